from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import UserCreationForm

from .models import User, name_imitates_another
from .services import IMITATION_MESSAGE


class SignUpForm(UserCreationForm):
    # Not a model field of this form, so the model's unique-address constraint is not checked
    # here: whether an address has an account is told to its owner only, by email
    # (services.user_signup), never on this page.
    email = forms.EmailField(
        required=True,
        help_text="We send a link there to confirm the account; after that, only password "
        "resets and notifications.",
    )
    field_order = ["username", "display_name", "email", "password1", "password2"]

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if name_imitates_another(name):
            raise forms.ValidationError(IMITATION_MESSAGE)
        return name

    def _post_clean(self) -> None:
        # So the password validators compare the password with the address too.
        self.instance.email = self.cleaned_data.get("email", "")
        super()._post_clean()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "bio")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if name != self.instance.display_name and name_imitates_another(
            name, user_pk=self.instance.pk
        ):
            raise forms.ValidationError(IMITATION_MESSAGE)
        return name


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label="New email address")
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        # Through authenticate(), so wrong passwords here count towards the same lockout as
        # the login page's (django-axes).
        password = self.cleaned_data["password"]
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=password) is None:
            raise forms.ValidationError("Your password is not right.")
        return password
