"""Rule layer of the risk screen: regex families for risk signals and for look-alikes.

Vocabulary is hand-written from clinical severity scales (C-SSRS: passive wish -> active
ideation -> method -> intent/plan -> behaviour) and from the Suicide Risk Lexicon v1.0
(Low et al., construct-tracker 1.0.16, Apache-2.0): its "Passive suicidal ideation",
"Active suicidal ideation & suicidal planning", "Lethal means for suicide", "Direct
self-injury", "Other suicidal language", "Hopelessness" and "Burdensomeness" token lists were
read and folded into the phrase families below (no lexicon file is needed at run time).

Text is normalised first (lowercase, apostrophes dropped so "don't" == "dont", leetspeak
inside words undone, runs of 3+ letters shortened) so one pattern covers the ways people
really type. Every pattern is compiled once at import.

A hit can be *damped* by a look-alike detector working on the clause around it:
negation ("I would never kill myself"), third person ("she wants to die"), past/recovery
("years ago I attempted, now doing well"), hyperbole ("this exam is killing me"), accident
("cut myself chopping onions"), supportive replies ("if you are thinking of suicide call 988"),
generic mention (no first person at all, e.g. news), and laughter ("kms lol", only one level
down because jokes are a common way to disclose).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

NONE, LOW, MODERATE, HIGH = 0, 1, 2, 3

# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

_APOS = re.compile(r"['\u2018\u2019\u02bc`\u00b4]")
_LEET = {"1": "i", "!": "i", "3": "e", "0": "o", "4": "a", "@": "a", "$": "s", "5": "s", "7": "t"}
_LEET_RE = re.compile(r"(?<=[a-z])[1!30@$457](?=[a-z])|(?<![a-z0-9])[$@](?=[a-z])")
_REPEAT = re.compile(r"([a-z])\1{2,}")
# Keep letters, digits, sentence punctuation, commas and a few emoji used as laughter; the
# rest becomes a space so "self-harm" == "self harm" and "un-alive" == "un alive".
_STRIP = re.compile(r"[^a-z0-9.!?;,\n \U0001f602\U0001f923\U0001f480\U0001f62d]+")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_SHORTHAND = (
    (re.compile(r"\b(?:2nite|2night|tonite|tn)\b"), "tonight"),
    (
        re.compile(r"\b(?:2morrow|2moro|tmrw|tmr|tmrow|tomoz|tomorow|tommorow|tommorrow)\b"),
        "tomorrow",
    ),
    (re.compile(r"\b(?:wanna|wana|wanan)\b"), "want to"),
    (re.compile(r"\b(?:gonna|gona)\b"), "going to"),
    (re.compile(r"\b(?:u)\b"), "you"),
    (re.compile(r"\b(?:ur)\b"), "your"),
    (re.compile(r"\b(?:rn)\b"), "right now"),
    (re.compile(r"\b(?:cuz|bc|coz)\b"), "because"),
    (re.compile(r"\b(?:idk)\b"), "i dont know"),
    (re.compile(r"\b(?:im|i m)\b"), "im"),
    (re.compile(r"\b(?:my self|myslef|mysefl|myelf|meself|mself)\b"), "myself"),
    (re.compile(r"\b(?:un alive|unalive|un aliving|unaliving|unalived)\b"), "unalive"),
    (
        re.compile(r"\b(?:sewer ?slide|sewer ?side|suicde|sucide|suiside|suicied|suiscide)\b"),
        "suicide",
    ),
    (re.compile(r"\b(?:sucidal|suicidle|suisidal|suicdal|suicidial|suicida)\b"), "suicidal"),
    # Compound nouns that contain "suicide" but are not about a person's risk.
    (
        re.compile(
            r"\bsuicide (?:squad|doors?|mission|run|burn|drills?|sprints?|king|bomb\w*|"
            r"attack\w*|vest|pact with (?:the|my) (?:diet|wallet)|lane|knob|blonde)\b"
        ),
        "object_phrase",
    ),
)


def normalise(text: str) -> str:
    """Lowercase and canonicalise the spellings people use so one pattern covers them."""
    t = _APOS.sub("", text.lower())
    t = _LEET_RE.sub(lambda m: _LEET[m.group(0)], t)
    t = _REPEAT.sub(r"\1\1", t)
    t = _STRIP.sub(" ", t)
    for rx, repl in _SHORTHAND:
        t = rx.sub(repl, t)
    return _SPACES.sub(" ", t).strip()


# --------------------------------------------------------------------------------------
# Shared fragments (on normalised text: no apostrophes, lowercase)
# --------------------------------------------------------------------------------------

_SELF = r"(?:myself)"
_OTHER_SELF = r"(?:himself|herself|themselves|themself|yourself|yourselves)"
_ANY_SELF = rf"(?:{_SELF}|{_OTHER_SELF})"
_KILL = r"(?:kill|kil|kll|klil|killing|killin|kill?ed|unalive|unaliving|off|offing|end|ending|hurt)"
_END_IT = (
    r"(?:end(?:ing)? (?:it all|it(?! with| off)|everything|my life|my own life|this life|"
    r"my existence|myself)|take my (?:own )?life|taking my (?:own )?life|commit(?:ting)? suicide|"
    r"ctb)"
)
_WANT = (
    r"(?:want(?:ed|ing)? to|wan to|need to|have to|going to|plan(?:ning)? (?:to|on)|"
    r"thinking (?:about|of)|thought (?:about|of)|think about|considering|contemplating|"
    r"urges? to|tempted to|ready to|about to|trying to|try to|decided to|might|will|should|"
    r"would like to|wish i could|feel like|keep thinking about|cant stop thinking about)"
)
_PILLS = (
    r"(?:pills?|tablets?|meds|medication|medicine|tylenol|paracetamol|acetaminophen|advil|"
    r"ibuprofen|sleeping pills|xanax|benzos?|antidepressants|insulin|oxy\w*|opioids?|"
    r"painkillers?|prescription|bottle)"
)
_MEANS = (
    rf"(?:rope|noose|gun|pistol|handgun|shotgun|revolver|rifle|firearm|bullets?|razors?|"
    rf"blades?|knife|knives|charcoal|helium|exit bag|suicide bag|poison|cyanide|antifreeze|"
    rf"pesticide|bleach|{_PILLS})"
)
_TIMING = (
    r"(?:tonight|tomorrow|this (?:weekend|evening|friday|saturday|"
    r"sunday|monday|tuesday|wednesday|thursday)|on (?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|my birthday|new years|christmas)|in (?:an|a few|a couple of|\d+|one|two|"
    r"three|ten) (?:hours?|minutes?|mins|days)|right now|(?:when|once|after) (?:everyone|they|"
    r"my (?:parents|family|wife|husband|roommates?|mom|dad)) (?:is|are|goes?|go|falls?) "
    r"(?:asleep|to sleep|to bed|out|to work|home)|at midnight|before (?:morning|sunrise|dawn)|"
    r"by (?:the end of (?:the|this) (?:week|day|month)|friday|saturday|sunday|monday)|"
    r"(?:this is|its) (?:my last|the last) (?:night|day)|in (?:an|one|two|a few) hours?)"
)
_LETHAL = r"(?:rope|noose|gun|pistol|handgun|shotgun|revolver|razors?|blades?|charcoal|helium)"
_THIRD_SUBJ = (
    r"(?:he|she|they|hes|shes|theyre|him|her|them|his|someone|somebody|people|a friend|"
    r"my (?:best )?(?:friend|buddy|brother|sister|mom|mum|dad|mother|father|son|daughter|wife|"
    r"husband|partner|bf|gf|boyfriend|girlfriend|cousin|roommate|kid|child|student|client|"
    r"coworker|colleague|uncle|aunt|grandpa|grandma|ex|classmate)|a (?:student|kid|man|woman|"
    r"guy|girl|teen|boy)|(?:this|that) (?:guy|girl|person))"
)
_FIRST = re.compile(r"\b(?:i|im|ive|id|ill|me|my|myself|mine)\b")


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    level: int
    rx: re.Pattern[str]


def _f(name: str, level: int, *alts: str) -> Family:
    return Family(name, level, re.compile(r"\b(?:" + "|".join(alts) + r")\b"))


# Order matters only for reporting; every family is searched.
FAMILIES: tuple[Family, ...] = (
    # ---- high: intent, plan, goodbye, attempt in progress or just made, means in hand ----
    _f(
        "intent",
        HIGH,
        rf"(?:im|i am|i will|ill|i have|ive) (?:really |finally |actually |definitely )?"
        rf"(?:going to|about to|ready to|decided to|made up my mind to|doing it|gonna) "
        rf"(?:{_KILL} {_SELF}|kms|unalive(?: {_SELF})?|{_END_IT}|hang {_SELF}|"
        rf"overdose|od|shoot {_SELF}|go through with it)",
        rf"(?:i will|ill|i am going to|im going to) {_KILL} {_SELF}",
        r"(?:im|i am) doing it (?:tonight|today|tomorrow|now|soon)",
        r"(?:i have|ive) (?:decided|made (?:up )?my (?:mind|decision)) to (?:die|end it|"
        r"go through)",
        r"(?:this is|its) (?:the end|it) for me",
        r"(?:tonight|today|tomorrow) is (?:the night|the day) (?:i|ill|im)(?! \w+ing)",
        r"(?:tonight|today|tomorrow) is my last (?:night|day) (?:alive|on earth|here)",
        r"i (?:wont|will not) (?:be (?:here|alive|around)|wake up|see) (?:tomorrow|"
        r"by (?:morning|tomorrow)|next week|much longer|anymore)",
    ),
    _f(
        "plan",
        HIGH,
        r"(?:i have|ive got|i made|ive made|made|have|got) (?:a|my) (?:suicide|exit) plan",
        r"(?:have|made|got|making) (?:a|my) plan (?:to|for how to|for when|of how to) "
        r"(?:die|kill|end (?:it|my)|do it|go through|overdose|hang|jump)",
        r"my (?:suicide |exit )?plan (?:is|to|for) (?:\w+ ){0,4}(?:die|kill|end it|end my|jump|"
        r"hang|overdose|od|pills|rope|gun|bridge|suicide|do it (?:tonight|tomorrow))",
        r"(?:planned|planning|worked out|figured out) (?:out )?(?:how|when|where|the way) "
        r"(?:to|i will|ill|im going to) (?:die|kill|end it|end my life|do it|go through)",
        r"(?:suicide|goodbye) (?:note|letter)",
        r"(?:giving|gave|give) away (?:all )?my (?:stuff|things|belongings|possessions|cat|dog|"
        r"pets?)",
        r"(?:picked|chose|chosen|set) (?:a|the) (?:date|day|spot|place|bridge|time) (?:to|for|"
        r"when|where) (?:i |ill )?(?:die|kill|end|do it|go|jump)",
        rf"(?:how many|how much) (?:\w+ ){{0,2}}(?:{_PILLS}|mg|grams|of (?:my|the|this) \w+) "
        rf"(?:\w+ ){{0,3}}(?:to|would|will|does it take to|until i) (?:die|kill|overdose|od|"
        rf"be fatal|be lethal|stop my heart)",
        r"(?:lethal|fatal) dose",
        r"(?:painless|quickest|easiest|best|fastest|surest|least painful) (?:way|method|ways|"
        r"methods) to (?:die|kill myself|end it|commit suicide|end my life)",
        rf"how (?:to|do i|can i|do you|would i) (?:{_KILL} {_SELF}|commit suicide|hang {_SELF}|"
        rf"tie a noose|overdose|slit|end it|unalive)",
        r"exit bag|suicide bag|(?:made|tied|tie|tying|making) (?:a|the) noose",
        r"(?:wrote|writing|made|updated) (?:my|a) will (?:and|so)",
    ),
    _f(
        "means",
        HIGH,
        rf"(?:stockpil\w*|saved up|saving up|collected|collecting|hoard\w*|counted out|counting "
        rf"out|lined up|laid out) (?:a |the |my |all (?:my |the )?|enough |some |a bunch of |"
        rf"a bottle of |a box of |\d+ |a lot of |so many |a month of |months of )?(?:{_MEANS})",
        rf"(?:bought|got|have|holding|ordered|hid|hidden) (?:a |the |my |all (?:my |the )?|"
        rf"enough |some )?(?:{_MEANS}) (?:ready|for (?:it|this|when|tonight|tomorrow)|to (?:do|"
        rf"end) it|just in case|to (?:die|kill myself|end my life)|in my (?:hand|lap|pocket))",
        rf"enough (?:{_PILLS}) to (?:die|kill|overdose|od|end it|not wake up)",
        r"(?:rope|noose) (?:is )?(?:ready|tied|hanging|around my neck)",
        r"(?:gun|pistol|barrel) (?:to|in|against) my (?:head|mouth|temple|chest)",
        r"(?:blade|knife|razor) (?:to|on|against) my (?:wrists?|throat|arms?|skin)",
    ),
    _f(
        "goodbye",
        HIGH,
        r"(?:goodbye|bye|farewell)(?: \w+){0,2},? (?:forever|for good|cruel world|world)",
        r"(?:goodbye|bye|farewell) (?:everyone|everybody|all|guys|my friends),? (?:i love you|"
        r"im sorry|thank you for everything|it was|its been|forever)",
        r"this is (?:my )?(?:goodbye|farewell|final goodbye|last goodbye)",
        r"(?:by the time|when) (?:you|anyone|someone|you guys) (?:read|reads|see|sees|get|gets|"
        r"find|finds) this,? (?:i|ill|it)",
        r"(?:this is|these are|this will be) my (?:last|final) (?:message|post|words|night|goodbye|"
        r"letter)",
        r"take (?:good )?care of my (?:cat|dog|pets?|kids?|mom|family|sister|brother) for me",
        r"(?:im|i am) sorry for everything\W+(?:goodbye|bye|i love you)",
        r"see you (?:all )?on the other side",
        r"(?:thank you|thanks) for everything\W+(?:goodbye|bye)",
    ),
    _f(
        "attempt_now",
        HIGH,
        rf"(?:i|ive|i have|i just|just) (?:just )?(?:took|swallowed|downed|ate) "
        rf"(?:all|a bunch|a handful|handfuls|a whole|the whole|the entire|too many|"
        rf"\d+|twenty|thirty|forty|fifty|a lot|a fistful|every one) (?:of )?(?:my |the |these "
        rf"|those )?(?:\w+ )?(?:{_PILLS})",
        r"(?:i|ive|i have) (?:just )?(?:overdosed|odd|od ed|oded)",
        r"(?:cut|cutting|slit|slashed) too deep",
        r"(?:im|i am|its|it is|wont stop|cant stop) (?:still )?(?:bleeding|bleed) "
        r"(?:a lot|out|badly|so much|everywhere|heavily|and)",
        r"(?:im|i am) (?:on|standing on|sitting on) the (?:bridge|ledge|roof|tracks)",
        rf"(?:just|already) (?:tried to|attempted to) (?:{_KILL} {_SELF}|{_END_IT}|hang {_SELF})",
        rf"(?:tried to|attempted to|try to) (?:{_KILL} {_SELF}|{_END_IT}|hang {_SELF}|overdose|od)"
        rf"(?: \w+){{0,3}} (?:last night|yesterday|today|this morning|tonight|an hour ago|"
        rf"earlier today|just now|earlier)",
        r"(?:i|just) attempted (?:suicide )?(?:last night|yesterday|today|this morning|"
        r"an hour ago|just now|earlier)",
        r"(?:i|just) attempted (?:and|but) (?:failed|survived|woke up)",
    ),
    # ---- moderate: active ideation, method, self-harm, algospeak, attempt (time unknown) ----
    _f(
        "ideation",
        MODERATE,
        rf"{_WANT} (?:just )?(?:{_KILL} {_ANY_SELF}|{_END_IT}|suicide|kms)",
        rf"{_KILL} {_ANY_SELF}",
        r"(?:suicidal) (?:thoughts?|ideation|feelings?|urges?|again|lately|tonight|today|"
        r"every day|all the time)",
        r"(?:feel|feeling|felt|been|getting|am|im|so|really|very|extremely|actively|super|"
        r"pretty|kinda|kind of|a bit|always|still|more) suicidal",
        r"suicidal",
        r"(?:thoughts?|thinking|thought) (?:of|about) (?:suicide|killing|ending|dying|death)",
        r"(?:take|taking|end|ending) (?:my|their|his|her) (?:own )?li(?:fe|ves)",
        r"(?:why (?:dont|shouldnt|cant) i just|should i just) (?:kill myself|end it|die|do it)",
        r"(?:commit|commiting|committing) suicide",
        r"(?:im|i am) ready to die",
    ),
    _f(
        "method",
        MODERATE,
        rf"(?:hang|hanging|shoot|shooting|drown|drowning|electrocute|electrocuting|stab|stabbing|"
        rf"poison|poisoning|suffocate|suffocating|gas|gassing|burn|burning|starve|starving|"
        rf"set fire to|set) {_ANY_SELF}(?: on fire| to death)?",
        r"(?:slit|slitting|slash|slashing|slice|slicing|cut|cutting|open) (?:my|his|her|their) "
        r"(?:wrists?|throat|veins?)",
        r"(?:jump|jumping|leap|leaping|throw myself|throwing myself) (?:off|from|in front of|"
        r"out of|into|under|onto) (?:a|the|my|of|an)? ?(?:\w+ )?(?:bridge|building|roof|rooftop|"
        r"balcony|cliff|train|traffic|window|bus|truck|car|tracks|subway|parking garage|tower|"
        r"overpass|motorway|highway|freeway)",
        r"(?:step|stepping|walk|walking|run|running) (?:in front of|into) (?:a|the|an)? ?"
        r"(?:train|bus|truck|car|traffic|oncoming)",
        r"(?:drive|driving|crash|crashing|swerve|swerving) (?:my car )?(?:off|into) (?:a|the) "
        r"(?:bridge|cliff|tree|wall|truck|river|lake|oncoming)",
        rf"(?:overdose|overdosing|od|oding) on (?:my |the |all )?(?:\w+ )?(?:{_PILLS}|something)",
        r"(?:want to|going to|thinking about|thinking of|urge to|tempted to) (?:overdose|od|"
        r"take all (?:my|the|of my) \w+)",
        r"(?:pull|pulling) the trigger",
        r"(?:blow|blowing) my brains? out",
        r"(?:walk|walking|swim|swimming) (?:into|out into) the (?:sea|ocean|lake|river)",
        r"toaster bath",
        r"(?:standing|sitting|stood) (?:on|at) (?:the|a) (?:ledge|railing|edge of (?:the|a) "
        r"(?:roof|bridge|building|platform))",
    ),
    _f(
        "self_harm",
        MODERATE,
        rf"(?:cut|cutting|cuts|harm|harming|hurt|hurting|burn|burning|scratch|scratching|hit|"
        rf"hitting|punch|punching|bang|banging|carve|carving|bite|biting|mutilate|mutilating|"
        rf"injure|injuring) {_SELF}",
        r"(?:self ?harm\w*|self ?injur\w*|nssi)",
        r"(?:relapsed?|relapsing|urges?|urge to|want to|need to|craving|crave|started|start) "
        r"(?:on |with |to |into )?(?:sh|cut|cutting|bleed|self harm)",
        r"\bsh (?:again|urges?|relapse|scars|wounds|cuts|tonight)",
        r"(?:bang|banging|hit|hitting) my head (?:against|on|into)",
        r"(?:my|fresh|new|deep) (?:cuts|scars) (?:are|on my|again)",
        r"(?:cut|cutting) (?:my )?(?:arms?|thighs?|legs?|wrists?|skin|stomach)(?! hair)",
        r"barcode (?:arms|wrists|thighs)|(?:to|at) (?:beans|styro|fat layer)",
    ),
    _f(
        "algospeak",
        MODERATE,
        r"kms|kmsl|k m s|kmn|kmys|unalive(?: myself| me)?|self unalive|ctb",
        r"(?:want to|going to|ready to|thinking (?:about|of)|plan to|planning to|decided to|time "
        r"to|should|will|im) (?:catch|catching) the bus",
        r"(?:permanent|forever) (?:nap|sleep)|dirt nap|(?:go|going) to sleep forever",
        r"yeet myself (?:off|out|into)|rope myself|(?:going to|want to|should) rope|roping",
        r"delete myself|(?:game|gamend) end myself",
    ),
    _f(
        "attempt",
        MODERATE,
        rf"(?:tried to|attempted to|tried|attempted) (?:{_KILL} {_ANY_SELF}|{_END_IT}|"
        rf"hang {_ANY_SELF}|overdose|od|suicide)",
        r"(?:my|a|his|her|their|suicide) (?:first |second |third |last |previous |failed )?"
        r"(?:suicide )?attempt",
        r"(?:failed|survived) (?:a |my |the )?(?:suicide|attempt|overdose)",
        r"(?:i|ive|i have|i had) (?:attempted|tried)(?= ?(?:[.,!?;]|$|twice|before|once|\w+ "
        r"times|and|but|when|in \d|in (?:january|february|march|april|may|june|july|august|"
        r"september|october|november|december)|last (?:year|month|week|summer|winter|spring|"
        r"fall|autumn)|this (?:year|month)))",
    ),
    # ---- low: passive wish, hopelessness/burden, distress, exposure ----
    _f(
        "passive",
        LOW,
        r"(?:wants?|wanted|wanting|wanna|wish|wishes|wished|wishing|ready|hopes?|hoping|pray|"
        r"praying|begging|beg) "
        r"(?:to|i|i was|i were|i could|i would|i wouldnt|i dont|i didnt|i will|i might|it would) "
        r"(?:just )?(?:die|be dead|not be alive|disappear|vanish|not exist|stop existing|"
        r"cease to exist|not wake up|never wake up|dont wake up|fall asleep and never|"
        r"sleep forever|not be here|get hit by|go to sleep and|drop dead|was dead|were dead|"
        r"had died|get cancer)",
        r"(?:i )?(?:dont|do not|dont even|no longer|dont really|not|doesnt|does not) "
        r"(?:want|wanting|wish|care|feel like) (?:to )?(?:live|living|waking up|"
        r"be alive|exist|be here|wake up|go on|keep going|keep living|continue|do this anymore)",
        r"wish (?:i|id) (?:was|were|had) (?:never been born|never born|dead|not born|gone)",
        r"(?:would be|are|be|is|were) better off (?:dead|without me|if i (?:was|were) dead|"
        r"if i (?:was|were)nt here)",
        r"(?:tired|sick|exhausted|weary) of (?:living|life|being alive|existing|being here|"
        r"waking up|this life|my life)",
        r"no (?:reason|will|point|desire|motivation) (?:to|in|for) (?:live|living|keep living|"
        r"go on|going on|be alive|stay alive)",
        r"nothing (?:left )?to live for",
        r"(?:whats|what is) the point (?:of|in) (?:living|life|being alive|going on|anything|"
        r"trying|it all)",
        r"life (?:isnt|is not|aint|isn t) worth (?:living|it)",
        r"(?:just )?let me die|(?:cant|can not) wait to die|want it (?:all )?to end|"
        r"(?:i|just) want (?:it|this|the pain|everything) to (?:stop|end)",
        r"(?:nobody|no one|noone) (?:would|will) (?:miss|notice|care)(?: \w+){0,2} if i "
        r"(?:died|die|was gone|disappeared|killed)",
        r"(?:wouldnt|would not|wont|dont) (?:mind|care) if i (?:died|didnt wake up|got hit|"
        r"never woke up|die)",
        r"(?:death|dying) (?:would be|sounds|seems|feels) (?:a relief|peaceful|nice|better|"
        r"like a relief|easier)",
        r"(?:i|i want to|i wish i could) (?:just )?fade away|death wish|i want death",
        r"why am i (?:still )?(?:alive|here)",
        r"(?:dont know|not sure|unsure) (?:if|whether) i (?:want to|can) (?:live|be alive|"
        r"keep going|go on|keep living)",
        r"should(?:nt)? (?:have|of) (?:survived|woken up|been born)",
        r"(?:i deserve|i should|i need|i just want|i want) to die",
        r"want to die",
        r"i dont want to be here anymore",
    ),
    _f(
        "hopelessness",
        LOW,
        r"hopeless(?:ness)?|no hope|lost (?:all )?hope|(?:theres|there is) no (?:point|hope|way "
        r"out|future|escape)|no way out|no future",
        r"(?:cant|can not|cannot|dont know if i can|unable to) (?:go on|do this|take (?:it|this|"
        r"any ?more)|keep going|keep doing this|cope|handle (?:this|it|life))(?: any ?more)?",
        r"(?:im|i am|feel like|i feel like) (?:a|such a|just a) (?:burden|waste of (?:space|air|"
        r"oxygen)|failure|disappointment)",
        r"(?:burden|burdening) (?:to|on|for) (?:everyone|everybody|my family|them|others|people)",
        r"(?:nothing|it) (?:will|is going to|would) (?:ever )?(?:change|get better|be okay|"
        r"be ok|improve)",
        r"(?:will|is going to|would) never (?:get better|change|end|be okay|be ok)",
        r"(?:i give up|giving up|given up|gave up) (?:on )?(?:life|everything|living|myself|"
        r"trying)?",
        r"(?:i hate|hate) (?:my life|myself|being alive|existing)",
        r"(?:done|finished) with (?:life|everything|it all|living|this life|my life)",
        r"(?:i feel|feel|im|i am|feeling) (?:so |completely |totally )?(?:empty|numb|worthless|"
        r"useless|trapped|dead inside)",
        r"(?:at|reached) (?:my|the) (?:breaking point|end of my rope|end of the rope|lowest)",
    ),
    _f(
        "distress",
        LOW,
        r"(?:cant|can not|cannot) stop (?:crying|shaking|panicking)",
        r"(?:im|i am) (?:not ok|not okay|falling apart|breaking down|in crisis|not safe|"
        r"scared of myself|losing it)",
        r"(?:i dont|dont) trust myself",
        r"(?:im|i am) (?:in (?:so much|a lot of) )?(?:pain|agony) and",
    ),
    _f(
        "exposure",
        LOW,
        r"(?:killed|hanged|hung|shot) (?:himself|herself|themselves|themself)",
        r"(?:died|dies|death) by suicide|(?:committed|commited) suicide|took (?:his|her|their) "
        r"own life",
    ),
)

# ---- look-alike detectors -------------------------------------------------------------

# Negator, then at most three filler words, then the hit (checked on the text before it).
_NEG = re.compile(
    r"\b(?:never|not|wont|wouldnt|would not|will not|dont|do not|didnt|did not|no longer|"
    r"nor|isnt|am not|no (?:intention|intent|plans?|desire|wish|urge|thoughts?) (?:to|of|about)|"
    r"stopped|quit|without)"
    r"(?:,? (?:ever|even|really|actually|seriously|honestly|want to|going to|plan to|planning "
    r"to|try to|intend to|mean to|be|ever be|do|have|think of|think about|consider|considering|"
    r"thinking about|thinking of|feeling|feel|been|become|gotten|get|anymore|again|any|i|"
    r"would|will|could|like|just|myself))*,? ?$"
)
# A negation phrase that is itself a risk statement: do not count it as negation.
_NOT_NEG = re.compile(
    r"(?:cant|cannot|can not|couldnt|not) stop(?: \w+)? ?$|dont know (?:if|why|how|whether)"
    r"(?: \w+){0,4} ?$|not sure (?:if|whether|why)(?: \w+){0,4} ?$|(?:dont|do not|never) "
    r"(?:care|mind)(?: \w+){0,3} ?$|(?:not|never) (?:scared|afraid) (?:of|to)(?: \w+){0,2} ?$|"
    r"why (?:not|dont|shouldnt)(?: \w+){0,3} ?$|(?:dont|not) (?:want|wanna) to (?:live|"
    r"be alive|exist) ?$|if i dont ?$|(?:cant|can not) (?:keep|go on)(?: \w+){0,2} ?$"
)
_THIRD = re.compile(rf"\b{_THIRD_SUBJ}\b")
_OTHER_REFLEXIVE = re.compile(rf"\b{_OTHER_SELF}\b|\bkys\b")
_SECOND = re.compile(r"\b(?:you|your|yourself|youre|yall)\b")
_PAST = re.compile(
    r"\b(?:\w+ (?:years?|months?|decades?) ago|years back|used to|back then|back when|in the past|"
    r"long time ago|a while ago|when i was (?:younger|little|a kid|a teen|a teenager|in|at|\d+|"
    r"young)|in (?:high school|middle school|college|my teens|my twenties|19\d\d|20[01]\d)|"
    r"as a (?:teen|teenager|kid|child)|at age \d+|in my (?:teens|twenties|youth)|"
    r"(?:first|last) time (?:was|i)(?: \w+){0,3} (?:ago|in)|once upon|previously|formerly|"
    r"history of|recovered from|survivor of)\b"
)
_RECOVERY = re.compile(
    r"\b(?:(?:doing|feel|feeling|im|am) (?:so much |much |a lot |way )?(?:well|better|great|"
    r"good|okay|ok|happy|fine) (?:now|these days|today)|now (?:im|i am) (?:doing|happy|"
    r"okay|ok|better|good|well|healthy|grateful|thriving)|in recovery|recovered|\d+ (?:days?|"
    r"weeks?|months?|years?) (?:clean|free|sober)|clean (?:for|since)|glad (?:i|that i) "
    r"(?:survived|am alive|am still here|didnt|failed|stayed)|it gets better|got (?:help|"
    r"better)|havent (?:cut|self harmed|harmed|attempted|felt)(?: \w+){0,4} (?:in|for|since)|"
    r"no longer|not anymore|anymore since|survived)\b"
)
_RECENT = re.compile(
    r"\b(?:last night|yesterday|today|tonight|this morning|this week|an hour ago|just now|"
    r"right now|again|earlier today|currently|these days|lately|recently)\b"
)
_PAST_TENSE_HIT = re.compile(
    r"\b(?:wanted|was|were|tried|attempted|used|had|thought|felt|cut|survived|did)\b"
)
_HYPERBOLE = re.compile(
    r"\b(?:(?:is|are|was|were|its|thats|keeps|keep) (?:literally |actually |really |seriously |"
    r"lowkey |low key )?killing me|kill for (?:a|an|some|the|that)|(?:dying|died|die|dead) "
    r"(?:of|from|laughing|with) (?:laughter|laughing|boredom|embarrassment|cringe|shame|thirst|"
    r"heat|cuteness|jealousy|envy|curiosity|hunger)|(?:die|died|dying) of (?:embarrassment|"
    r"laughter|cringe)|dying to (?:see|know|try|meet|go|hear|get|watch|read|tell|eat|visit|"
    r"play)|(?:bored|scared|worried|frozen|tickled|loved|stressed|annoyed) to death|to die for|"
    r"drop dead (?:gorgeous|beautiful|sexy)|(?:rather|sooner) (?:die|kill myself) than (?:go|do|"
    r"eat|wear|watch|listen|be seen|sit|work|pay|vote|admit|use)|kill me now|just kill me|"
    r"(?:if|when) (?:i have to|i hear|i see|they make me|they play|i get|this|that|he|she|"
    r"my (?:boss|mom|dad|teacher))(?: \w+){0,12} (?:ill|i will|im going to|i swear ill|i might) "
    r"(?:kill myself|die|kms|unalive myself|jump)|killed it|killing it|my (?:feet|back|legs|"
    r"head|knees|neck) (?:are|is) killing me|(?:kill|killing|killed) (?:time|the (?:vibe|mood|"
    r"lights|engine|process)|a process)|(?:game|character|my sim|sims|npc|boss) (?:dies|died|"
    r"killed|kill)|(?:in|on) (?:the )?(?:game|minecraft|fortnite|dark souls|elden ring))\b"
)
_LAUGH = re.compile(
    r"\b(?:lol+|lmao+|lmfao|rofl|haha\w*|hehe\w*|jk|just kidding|im kidding|jokes?|joking|"
    r"xd)\b|[\U0001f602\U0001f923\U0001f480\U0001f62d]"
)
_ACCIDENT = re.compile(
    r"\b(?:accidentally|accident|by mistake|while (?:cooking|shaving|chopping|cutting|"
    r"gardening|working|opening)|chopping|shaving|on (?:a|the) (?:paper|knife|glass|can|"
    r"edge|box)|paper cut|papercut|cut myself (?:a|some) (?:slack|break|piece|slice)|"
    r"cut (?:my|his|her) (?:hair|nails|losses|finger|thumb)|burn(?:ed|t)? myself (?:on|"
    r"with|cooking|ironing|while)|hurt (?:myself|my \w+) (?:at|in|during|playing|lifting|"
    r"running|working out|at the gym))\b"
)
_SUPPORT = re.compile(
    r"\b(?:(?:if|when) (?:you|anyone|someone|somebody)(?: \w+){0,6} (?:suicid\w*|kill(?:ing)? "
    r"yourself|hurt(?:ing)? yourself|self harm\w*|end(?:ing)? (?:it|your life)|want(?:ing)? "
    r"to die|in crisis|struggling)|call (?:988|911|999|112|000|116 123|a (?:hotline|crisis|"
    r"helpline))|988|741741|116 123|(?:crisis|suicide|prevention) (?:line|lifeline|hotline|"
    r"text line|helpline)|samaritans|lifeline|(?:youre|you are) not alone|here for you|"
    r"(?:please|pls|plz) (?:reach out|talk to|call|text|stay|dont)|are you (?:safe|okay|ok|"
    r"thinking|having thoughts|feeling suicidal|suicidal)|(?:suicide|self harm) (?:prevention|"
    r"awareness|statistics|rates?|research)|(?:talk|reach out) to (?:someone|a professional|"
    r"a therapist)|safety plan)\b"
)
_ABUSE = re.compile(
    r"\b(?:kys|kill yourself|go die|(?:you|u) should (?:kill yourself|die|unalive yourself)|"
    r"hope you die|neck yourself|rope yourself|drink bleach)\b"
)
_AFFIRM = re.compile(
    r"^(?:yes|yeah|yea|yep|ya|yh|y|i am|i do|i have|kinda|kind of|sort of|sometimes|maybe|"
    r"a little|a bit|honestly yes|truthfully yes|i think so|always|every day|all the time|"
    r"more than ever|lately yes|yes i am|yes i do|i guess)\b"
)
_QUESTION = re.compile(
    r"\b(?:are you|have you|do you|you)(?: \w+){0,4} (?:suicid\w*|thinking (?:of|about) "
    r"(?:killing|hurting|ending|suicide|dying)|(?:kill|hurt|harm)(?:ing)? yourself|"
    r"self harm\w*|want(?:ing)? to die|end(?:ing)? your life|thoughts of (?:suicide|dying|"
    r"death))"
)
# Signs that a text without any first person talks about suicide in general (news, media).
_GENERIC = re.compile(
    r"\b(?:rates?|statistics|according to|reports?|reported|study|studies|research|article|"
    r"news|movie|film|song|lyrics|book|novel|episode|show|character|documentary|awareness|"
    r"prevention|teens|people who|those who|anyone who|veterans|epidemic|celebrity|survey|"
    r"percent|per cent|data|policy|bill|law|students|patients|population|risk factors?)\b"
)
_AMBIVALENT = re.compile(
    r"\b(?:but|and|though) (?:i (?:think|feel like|know|guess|might|am afraid|fear) )?"
    r"(?:i will|ill|i might|i probably will|im going to|i am going to|i want to|part of me "
    r"wants to|i still want to)(?: do it| anyway| eventually| someday)?(?= ?(?:[.,!?;\n]|$))"
)
_SENT_SPLIT = re.compile(r"[.!?;\n]+")
_CLAUSE_SPLIT = re.compile(r"[.!?;\n]+|\b(?:but|though|although|however|except|whereas)\b")

# Levels reached by combining families inside one sentence (timing/means imply imminence).
_IDEATION_FAMILIES = frozenset({"ideation", "method", "algospeak", "self_harm", "intent"})


@dataclass(frozen=True, slots=True)
class Hit:
    family: str
    level: int
    start: int
    end: int
    damper: str | None = None


@dataclass(frozen=True, slots=True)
class RuleResult:
    level: int
    signals: tuple[str, ...]
    hits: tuple[Hit, ...]
    # Risk vocabulary was present but every hit was explained away: the learned layer must
    # not re-raise such texts above "low".
    damped: bool
    normalised: str


def _bounds(rx: re.Pattern[str], text: str) -> list[int]:
    out = [0]
    for m in rx.finditer(text):
        out.append(m.end())
    return out


def _span(starts: list[int], pos: int, text_len: int) -> tuple[int, int]:
    i = bisect_right(starts, pos) - 1
    start = starts[i]
    end = starts[i + 1] if i + 1 < len(starts) else text_len
    return start, end


class _TextFlags:
    """Whole-text look-alike markers, computed at most once per text (not once per hit, which
    made long texts with many hits quadratic)."""

    __slots__ = ("_recovery", "_support", "t")

    def __init__(self, t: str) -> None:
        self.t = t
        self._support: bool | None = None
        self._recovery: bool | None = None

    @property
    def support(self) -> bool:
        if self._support is None:
            self._support = "?" in self.t or _SUPPORT.search(self.t) is not None
        return self._support

    @property
    def recovery(self) -> bool:
        if self._recovery is None:
            self._recovery = _RECOVERY.search(self.t) is not None
        return self._recovery


# More hits of one family change nothing but cost time on pathological (repeated) input.
_MAX_HITS_PER_FAMILY = 40
# How far around a hit the clause-level detectors look (bounds the work per hit).
_WINDOW = 240


def _damper(
    family: str, t: str, hit: re.Match[str], clause: tuple[int, int], flags: _TextFlags
) -> str | None:
    """Return the name of the look-alike explaining this hit, or None if it stands."""
    c0 = max(clause[0], hit.start() - _WINDOW)
    c1 = min(clause[1], hit.end() + _WINDOW)
    before = t[c0 : hit.start()]
    matched = hit.group(0)
    whole = t[c0:c1]
    if _NEG.search(before[-80:]) and not _NOT_NEG.search(before[-60:]):
        return "negation"
    if family in {"attempt_now", "plan", "means", "goodbye"}:
        pass  # hyperbole/laughter cannot explain away concrete behaviour
    else:
        for hy in _HYPERBOLE.finditer(whole):
            if hy.start() + c0 < hit.end() and hit.start() < hy.end() + c0:
                return "hyperbole"
    if family in {"self_harm", "method"} and _ACCIDENT.search(whole):
        return "accident"
    if _OTHER_REFLEXIVE.search(matched):
        if _ABUSE.search(matched) or _ABUSE.search(whole):
            return "abuse"
        if _SECOND.search(whole) and "yourself" in matched:
            return "supportive"
        return "third_person"
    if family == "exposure":
        return None
    first_in_clause = _FIRST.search(before) or _FIRST.search(matched)
    near = before[-60:]
    third_before = _THIRD.search(near)
    if third_before and not _FIRST.search(near, third_before.end()):
        return "third_person"
    if _SECOND.search(before[-40:]) and not first_in_clause:
        return "supportive" if flags.support else "second_person"
    if _PAST.search(whole) and not _RECENT.search(whole):
        return "past"
    if (
        family in {"attempt", "self_harm", "ideation", "passive", "method"}
        and _PAST_TENSE_HIT.search(t[max(c0, hit.start() - 30) : hit.end()])
        and flags.recovery
        and not _RECENT.search(whole)
    ):
        return "past"
    return None


def analyse(text: str, context: str = "") -> RuleResult:
    """Run every family on ``text`` and decide its rule level, signals and dampers."""
    t = normalise(text)
    hits: list[Hit] = []
    if t:
        sents = _bounds(_SENT_SPLIT, t)
        clauses = _bounds(_CLAUSE_SPLIT, t)
        has_first = _FIRST.search(t) is not None
        generic_text = not has_first and _GENERIC.search(t) is not None
        flags = _TextFlags(t)
        for fam in FAMILIES:
            for n_hit, m in enumerate(fam.rx.finditer(t)):
                if n_hit >= _MAX_HITS_PER_FAMILY:
                    break
                clause = _span(clauses, m.start(), len(t))
                damper = _damper(fam.name, t, m, clause, flags)
                if (
                    damper is None
                    and not has_first
                    and fam.name in {"ideation", "attempt"}
                    and "myself" not in m.group(0)
                    and generic_text
                ):
                    # "suicidal thoughts are common in teens": a mention, not a disclosure.
                    damper = "generic"
                hits.append(Hit(fam.name, fam.level, m.start(), m.end(), damper))
        hits.sort(key=lambda h: h.start)
        level = _escalate(t, hits, sents)
    else:
        level = NONE

    if (
        level < MODERATE
        and any(h.damper == "negation" and h.level >= MODERATE for h in hits)
        and _AMBIVALENT.search(t)
    ):
        # "I don't want to kill myself but I think I will": the negation is overridden.
        level = MODERATE
        hits.append(Hit("ambivalence", MODERATE, 0, 0))
    live = [h for h in hits if h.damper is None]
    signals: list[str] = []
    for h in hits:
        name = h.family if h.damper is None else f"{h.damper}:{h.family}"
        if name not in signals:
            signals.append(name)

    # Laughter markers soften (one level) instead of clearing: jokes are a common way to
    # disclose, so "kms lol" is still worth a low flag.
    if live and level < HIGH and _LAUGH.search(t):
        level = max(NONE, level - 1)
        signals.append("laughter")

    if level < LOW and any(h.damper in {"third_person"} for h in hits):
        # Someone else may be in danger: surface it low so a supporter can be helped.
        level = LOW
    if _ABUSE.search(t) and "abuse" not in signals:
        signals.append("abuse")

    if context:
        level, extra = _with_context(t, context, level, live)
        signals.extend(s for s in extra if s not in signals)
    if level == NONE and _SUPPORT.search(t) and "supportive" not in signals:
        signals.append("supportive")

    damped = bool(hits) and not live
    return RuleResult(level, tuple(signals), tuple(hits), damped, t)


def _escalate(t: str, hits: list[Hit], sents: list[int]) -> int:
    """Level from live hits; appends a "timing"/"means_nearby" hit when it escalates."""
    live = [h for h in hits if h.damper is None]
    if not live:
        return NONE
    level = max(h.level for h in live)
    if level >= HIGH:
        return HIGH
    # Timing in the same sentence as active ideation, or means within ~150 characters of any
    # ideation, means imminence => high.
    # A passive wish with a time ("dont want to wake up tomorrow") stays passive, and so does
    # a past thought ("thought about killing myself ..."): only live, present ideation counts.
    for h in live:
        active = h.family in _IDEATION_FAMILIES
        if not (active or h.family == "passive") or _PAST_TENSE_HIT.search(t, h.start, h.end):
            continue
        s0, s1 = _span(sents, h.start, len(t))
        s0, s1 = max(s0, h.start - _WINDOW), min(s1, h.end + _WINDOW)
        if active and _TIMING_RX.search(t, s0, s1):
            hits.append(Hit("timing", HIGH, h.start, h.end))
            return HIGH
        if _MEANS_RX.search(t, max(0, h.start - 150), h.end + 150):
            hits.append(Hit("means_nearby", HIGH, h.start, h.end))
            return HIGH
    return level


_TIMING_RX = re.compile(rf"\b{_TIMING}\b")
_MEANS_RX = re.compile(
    rf"\b(?:(?:have|got|bought|buy|buying|holding|stockpiled|saved|collected) (?:a |the |my |"
    rf"enough |all (?:my |the )?)?(?:{_LETHAL}|enough {_PILLS}|all (?:my |the )?{_PILLS})|"
    rf"{_MEANS} (?:ready|in my hand|next to me|in front of me))\b"
)


def _with_context(t: str, context: str, level: int, live: list[Hit]) -> tuple[int, list[str]]:
    """Use the preceding conversation: a 'yes' to a direct question, or timing/means after
    the same person disclosed ideation earlier."""
    extra: list[str] = []
    c = normalise(context)
    if _QUESTION.search(c) and _AFFIRM.search(t) and len(t) < 80:
        extra.append("affirmed_question")
        level = max(level, MODERATE)
    ctx = analyse(context)
    ctx_live = [h for h in ctx.hits if h.damper is None]
    if any(h.family in _IDEATION_FAMILIES or h.level >= MODERATE for h in ctx_live):
        if _TIMING_RX.search(t) or _MEANS_RX.search(t):
            extra.append("context:imminence")
            level = HIGH
        elif level == NONE and not live:
            extra.append("context:prior_ideation")
    return level, extra
