"""Demo argument map for the "Russia–North Korea relations" source article.

Plain Python data, no Django imports. Every quote is an exact, unique substring of
``russia-north-korea-relations.txt``; claim texts are paraphrases written for the map.
The article argues from a realist standpoint, but the map gives the critics' views it
mentions their own positions and arguments, so no side is presented as the verdict.
"""

TITLE = "Russia–North Korea relations"
SLUG = "russia-north-korea-relations"
DESCRIPTION = (
    "Four debates about Russia's relationship with North Korea: sanctions or engagement, "
    "denuclearization or stability, engagement and human rights, and what the partnership "
    "means for Moscow's regional standing next to China. Each side is grounded in passages "
    "of the source article."
)

MAP: list[dict] = [
    # 1. Sanctions versus engagement
    {
        "text": "Should sanctions or engagement lead policy toward North Korea?",
        "quotes": [
            "A central debate concerns whether sanctions are best used as a coercive tool or if "
            "limited engagement can yield tangible security dividends, reduce risk of "
            "miscalculation, and stabilize the region."
        ],
        "positions": [
            {
                "text": (
                    "Selective engagement with Pyongyang should lead, with sanctions kept as a "
                    "supporting tool rather than the main instrument of policy."
                ),
                "quotes": [],
                "arguments": [
                    {
                        "stance": "supports",
                        "text": (
                            "Regular dialogue makes it less likely that either side misreads "
                            "the other's intentions and stumbles into an unintended clash."
                        ),
                        "quotes": [
                            "Proponents of selective engagement argue that dialogue lowers the "
                            "chance of misperception and miscalculation"
                        ],
                        "arguments": [
                            {
                                "stance": "opposes",
                                "text": (
                                    "Talking with Pyongyang risks treating an undemocratic regime "
                                    "as a normal partner and weakening the international norms "
                                    "that sanctions defend."
                                ),
                                "quotes": [
                                    "critics warn this may normalize an undemocratic regime and "
                                    "undermine international norms"
                                ],
                                "arguments": [
                                    {
                                        "stance": "opposes",
                                        "text": (
                                            "Engagement can be framed as a gradual path toward a "
                                            "more predictable region, which does not require "
                                            "endorsing the regime itself."
                                        ),
                                        "quotes": [
                                            "engineering a gradual path toward a more predictable "
                                            "regional environment"
                                        ],
                                        "arguments": [],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "stance": "supports",
                        "text": (
                            "Even a limited dialogue track lowers the risk of rapid escalation, "
                            "whose fallout would hit neighbouring states and global markets."
                        ),
                        "quotes": [
                            "A credible, if limited, DPRK dialogue track can reduce the risk of "
                            "rapid escalation on the peninsula, which would have spillover effects "
                            "for neighboring states and global markets."
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "opposes",
                        "text": (
                            "Russia's own engagement is built to skirt sanctions and keep its "
                            "negotiating leverage, so engagement may serve the engaging power "
                            "more than regional security."
                        ),
                        "quotes": [
                            "Any such engagement is typically designed to avoid triggering broader "
                            "sanctions while preserving leverage in negotiations."
                        ],
                        "arguments": [],
                    },
                ],
            },
            {
                "text": (
                    "Sanctions should lead: sustained, coercive pressure rather than engagement "
                    "should shape the choices Pyongyang makes."
                ),
                "quotes": [],
                "arguments": [
                    {
                        "stance": "supports",
                        "text": (
                            "Pressure tied to clear, verifiable demands can push the regime to "
                            "change course while limiting harm to ordinary people."
                        ),
                        "quotes": [
                            "Support a disciplined sanctions regime that pressures the regime on "
                            "clear, verifiable issues while avoiding broad humanitarian harm."
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "supports",
                        "text": (
                            "When an outside power offers Pyongyang relief from coercive "
                            "diplomacy to suit its own goals, it drains the leverage sanctions "
                            "are meant to build."
                        ),
                        "quotes": [
                            "offering DPRK a measure of relief from coercive diplomacy when it "
                            "serves Russia’s goals"
                        ],
                        "arguments": [
                            {
                                "stance": "opposes",
                                "text": (
                                    "Economic contact need not relieve pressure: carefully "
                                    "calibrated incentives can themselves be leverage that "
                                    "rewards restraint."
                                ),
                                "quotes": [
                                    "Use carefully calibrated economic interactions to create "
                                    "incentives for restraint"
                                ],
                                "arguments": [],
                            },
                        ],
                    },
                    {
                        "stance": "opposes",
                        "text": (
                            "Pressure without an open channel raises the risk of misreading and "
                            "miscalculation, so even targeted sanctions need a dialogue track "
                            "alongside them."
                        ),
                        "quotes": [
                            "Maintain channels of dialogue that reduce the risk of "
                            "misinterpretation and miscalculation"
                        ],
                        "arguments": [],
                    },
                ],
            },
        ],
    },
    # 2. Denuclearization versus stability
    {
        "text": (
            "Should North Korea's nuclear program be rolled back through pressure, or should a "
            "stable status quo and incremental steps come first?"
        ),
        "quotes": [
            "The right balance is controversial and often hinges on judgments about credibility, "
            "incentives, and timing."
        ],
        "positions": [
            {
                "text": (
                    "Pressure should aim to deter and roll back North Korea's nuclear program "
                    "rather than accept it as part of the status quo."
                ),
                "quotes": [],
                "arguments": [
                    {
                        "stance": "supports",
                        "text": (
                            "Advocates of a tough approach hold that the nuclear program must be "
                            "deterred and reversed, and that only sustained pressure can do this."
                        ),
                        "quotes": [
                            "Supporters of a tough, coercive approach contend that DPRK’s nuclear "
                            "program must be deterred and rolled back through pressure"
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "supports",
                        "text": (
                            "Weapons-related dealings with Pyongyang raise proliferation risks and "
                            "strain arms-control norms, which argues for firmer pressure on the "
                            "program."
                        ),
                        "quotes": [
                            "This dimension often raises questions about proliferation risk and "
                            "international norms surrounding arms control."
                        ],
                        "arguments": [
                            {
                                "stance": "supports",
                                "text": (
                                    "Moscow's ties with Pyongyang have long included "
                                    "military-technical exchanges, not only diplomacy and trade."
                                ),
                                "quotes": [
                                    "The relationship has been punctuated by occasional "
                                    "high-level meetings, military-technical exchanges, and "
                                    "limited economic ties"
                                ],
                                "arguments": [],
                            },
                        ],
                    },
                    {
                        "stance": "opposes",
                        "text": (
                            "A hard push for rollback could provoke a crisis that spills across "
                            "Russia's borders or forces a costly regional response."
                        ),
                        "quotes": [
                            "Russia’s security calculus centers on avoiding a crisis that could "
                            "spill into its borders or force a costly regional response."
                        ],
                        "arguments": [
                            {
                                "stance": "opposes",
                                "text": (
                                    "Rollback need not mean reckless escalation: verification "
                                    "and crisis-management channels can keep escalation risks "
                                    "under control along the way."
                                ),
                                "quotes": [
                                    "Promote confidence-building initiatives, including "
                                    "verification mechanisms and crisis-management communication, "
                                    "to prevent accidents and mismanagement of escalation risks."
                                ],
                                "arguments": [],
                            },
                        ],
                    },
                ],
            },
            {
                "text": (
                    "Stability should come first: a steady status quo beats sudden escalation, and "
                    "incremental, verifiable steps can keep denuclearization talks alive."
                ),
                "quotes": [],
                "arguments": [
                    {
                        "stance": "supports",
                        "text": (
                            "Small, incremental steps keep the door open for dialogue, whereas "
                            "abrupt escalation could shut it and leave everyone less safe."
                        ),
                        "quotes": [
                            "others argue that a stable status quo is preferable to sudden "
                            "escalation and that incremental steps can keep the door open for "
                            "dialogue"
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "supports",
                        "text": (
                            "Keeping a line to Pyongyang helps temper the reactions of Washington "
                            "and its allies and keeps nonproliferation talks on the table."
                        ),
                        "quotes": [
                            "By keeping a line to Pyongyang, Moscow aims to moderate responses "
                            "from Washington and its allies and to keep potential nonproliferation "
                            "talks on the table"
                        ],
                        "arguments": [
                            {
                                "stance": "opposes",
                                "text": (
                                    "Moscow backs denuclearization only in principle while "
                                    "stressing stability, so stability-first talks may never "
                                    "reach actual disarmament."
                                ),
                                "quotes": [
                                    "Moscow has hosted and sought negotiations that bring DPRK "
                                    "into broader regional conversations, emphasizing stability, "
                                    "denuclearization in principle, and the avoidance of "
                                    "escalation."
                                ],
                                "arguments": [],
                            },
                        ],
                    },
                    {
                        "stance": "opposes",
                        "text": (
                            "A stability-first approach treats limits on dangerous programs as "
                            "something to seek only where possible, so the nuclear threat can keep "
                            "growing meanwhile."
                        ),
                        "quotes": [
                            "pursuing verifiable steps toward stability and, where possible, "
                            "constraint on dangerous programs"
                        ],
                        "arguments": [],
                    },
                ],
            },
        ],
    },
    # 3. Sovereignty and moral critique
    {
        "text": (
            "Can engaging with North Korea's dictatorship be reconciled with a commitment to "
            "human rights?"
        ),
        "quotes": [
            "A common line of critique holds that engaging with a dictatorship is incompatible "
            "with human rights advocacy."
        ],
        "positions": [
            {
                "text": (
                    "No: engaging a dictatorship undercuts human rights advocacy, and moral "
                    "critique should shape how states deal with Pyongyang."
                ),
                "quotes": [],
                "arguments": [
                    {
                        "stance": "supports",
                        "text": (
                            "Moral critiques of authoritarian rule deserve a central place in "
                            "foreign policy instead of being set aside for pragmatic hedging."
                        ),
                        "quotes": [
                            "This orientation sits at odds with more idealistic readings of "
                            "international engagement, which emphasize moralistic critiques of "
                            "authoritarian regimes."
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "supports",
                        "text": (
                            "Engagement lends an undemocratic regime an air of normality and "
                            "erodes the international norms that human rights advocacy relies on."
                        ),
                        "quotes": [
                            "critics warn this may normalize an undemocratic regime and "
                            "undermine international norms"
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "opposes",
                        "text": (
                            "Critics who equate engagement with appeasement may overlook the "
                            "strategic value of open channels and of pursuing enforceable "
                            "concessions over time."
                        ),
                        "quotes": [
                            "Critics who frame engagement as appeasement may overlook the "
                            "strategic reason for keeping communication channels open and for "
                            "pursuing enforceable concessions over time."
                        ],
                        "arguments": [
                            {
                                "stance": "opposes",
                                "text": (
                                    "In practice engagement offers Pyongyang diplomacy and "
                                    "possible concessions up front, while the restraint it "
                                    "promises stays conditional and uncertain."
                                ),
                                "quotes": [
                                    "offering DPRK a shelf of diplomacy and potential "
                                    "concessions, should conditions permit"
                                ],
                                "arguments": [],
                            },
                        ],
                    },
                ],
            },
            {
                "text": (
                    "Yes, on prudential grounds: talking with a dictatorship is not endorsing it, "
                    "and engagement can help restrain its dangerous behaviour."
                ),
                "quotes": [],
                "arguments": [
                    {
                        "stance": "supports",
                        "text": (
                            "From a prudential standpoint the first duty is to avoid reckless "
                            "escalation, which requires channels even to regimes one condemns."
                        ),
                        "quotes": [
                            "From a realist or prudential standpoint, however, the priority is "
                            "avoiding reckless escalation"
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "supports",
                        "text": (
                            "Engagement can build leverage that may eventually yield meaningful "
                            "restraint on the regime's most dangerous behaviour."
                        ),
                        "quotes": [
                            "looking for leverage that could eventually produce meaningful "
                            "restraint on dangerous behavior"
                        ],
                        "arguments": [
                            {
                                "stance": "opposes",
                                "text": (
                                    "Engagement can instead take the form of shielded "
                                    "weapons-related exchanges, which strengthen the regime's "
                                    "capabilities rather than restrain them."
                                ),
                                "quotes": [
                                    "Russia’s interest in the DPRK may include weapons-related "
                                    "exchanges that are tightly controlled and shielded from "
                                    "larger markets"
                                ],
                                "arguments": [],
                            },
                        ],
                    },
                    {
                        "stance": "opposes",
                        "text": (
                            "Even advocates of engagement concede it must not legitimize conduct "
                            "the international community rejects, a line that is hard to hold "
                            "in practice."
                        ),
                        "quotes": [
                            "without legitimizing behavior seen as unacceptable by the "
                            "international community"
                        ],
                        "arguments": [],
                    },
                ],
            },
        ],
    },
    # 4. Regional influence and China
    {
        "text": (
            "Does the partnership with North Korea strengthen Russia's regional influence, "
            "including relative to China, or is it a risky bet for Moscow?"
        ),
        "quotes": [
            "Russia’s relationship with DPRK sits within a larger regional order that includes "
            "China, Japan, and the United States."
        ],
        "positions": [
            {
                "text": (
                    "It strengthens Russia's hand: Pyongyang gives Moscow leverage and a seat at "
                    "the table in a region shaped by China and the United States."
                ),
                "quotes": [],
                "arguments": [
                    {
                        "stance": "supports",
                        "text": (
                            "Moscow can use its tie to Pyongyang to counterbalance Beijing's "
                            "influence or to gain bargaining power in wider diplomacy."
                        ),
                        "quotes": [
                            "Some argue that Moscow uses Pyongyang to counterbalance Beijing’s "
                            "influence or to extract bargaining power in broader diplomacy."
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "supports",
                        "text": (
                            "Close ties with Pyongyang let Russia insist on a say in any future "
                            "settlement on the Korean peninsula."
                        ),
                        "quotes": [
                            "signaling that Russia wants a say in any agreement on the peninsula"
                        ],
                        "arguments": [
                            {
                                "stance": "supports",
                                "text": (
                                    "Summits and bilateral talks between the two countries' "
                                    "leaders have been used to set terms for wider regional "
                                    "diplomacy."
                                ),
                                "quotes": [
                                    "The leaders of the two countries and their senior officials "
                                    "have at times used summits and bilateral talks to set terms "
                                    "for broader regional diplomacy"
                                ],
                                "arguments": [],
                            },
                        ],
                    },
                    {
                        "stance": "supports",
                        "text": (
                            "The relationship helps Moscow shape regional outcomes without "
                            "becoming subordinate to any single great power, Washington or "
                            "Beijing."
                        ),
                        "quotes": [
                            "Moscow’s approach seeks to shape outcomes without becoming "
                            "subordinate to any single great power."
                        ],
                        "arguments": [
                            {
                                "stance": "opposes",
                                "text": (
                                    "Balancing between Washington and Pyongyang is delicate, and "
                                    "a misstep could leave Moscow with less influence rather "
                                    "than more."
                                ),
                                "quotes": [
                                    "The dynamic among Washington, Moscow, and Pyongyang is a "
                                    "delicate balancing act."
                                ],
                                "arguments": [],
                            },
                        ],
                    },
                ],
            },
            {
                "text": (
                    "It is a risky bet: leaning on a fragile, isolated partner could backfire "
                    "and cost Moscow more than it gains."
                ),
                "quotes": [],
                "arguments": [
                    {
                        "stance": "supports",
                        "text": (
                            "Overreliance on a fragile partner could backfire and further "
                            "complicate Russia's standing with its Western adversaries."
                        ),
                        "quotes": [
                            "Others warn that overreliance on a fragile partner could backfire or "
                            "complicate Moscow’s standing with its Western adversaries."
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "supports",
                        "text": (
                            "Russia's posture toward Pyongyang feeds into the deterrence planning "
                            "of its adversaries, which may push South Korea and Japan to harden "
                            "their alliances."
                        ),
                        "quotes": [
                            "Russia’s posture affects how adversaries structure their deterrence "
                            "calculations in the Asia-Pacific."
                        ],
                        "arguments": [],
                    },
                    {
                        "stance": "opposes",
                        "text": (
                            "Moscow has kept its own interest in the peninsula since Soviet times, "
                            "so the tie reflects long-standing hedging rather than a reckless new "
                            "gamble."
                        ),
                        "quotes": [
                            "Moscow has maintained an interest in the peninsula that is separate "
                            "from but often in tension with Western policy objectives"
                        ],
                        "arguments": [
                            {
                                "stance": "opposes",
                                "text": (
                                    "Long-standing ties do not make the partner less fragile: "
                                    "North Korea remains economically constrained and under "
                                    "international sanctions."
                                ),
                                "quotes": [
                                    "While DPRK remains economically constrained and subject to "
                                    "international sanctions"
                                ],
                                "arguments": [],
                            },
                        ],
                    },
                ],
            },
        ],
    },
]
