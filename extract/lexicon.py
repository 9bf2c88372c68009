"""Word lists the rules read: speech verbs, denial verbs, and event triggers by kind.

Kept apart from the rules so they can grow (and be reviewed) without touching the logic. Event triggers
come in two strengths: a *strong* trigger is a verb phrase that reports something happening ("the quake
struck", "the bank cut rates", "a ceasefire took effect") and makes its sentence an event on its own; a
*weak* trigger is a noun ("attacks", "the election", "a call") that makes an event only when the sentence
also dates it ("during a call on June 26"), so background sentences ("concerns about attacks") stay out.
"""

from __future__ import annotations

import re

SPEECH_VERBS = (
    "said|says|say|added|adds|told|tells|wrote|writes|stated|states|explained|noted|insisted|warned|"
    "argued|claimed|asserted|stressed|emphasi[sz]ed|urged|urges|pressed|called for|calls for|asked|"
    "accused|assured|assuring|reaffirmed|reiterated|announced|announces|confirmed|suggested|described|"
    "saying|adding|telling|expressed|thanked|condemned|acknowledged|admitted|predicted|forecast that|estimated|"
    "responded|replied|vowed|promised|pledged|maintained|hinted|signalled|signaled|cautioned|"
    "welcomed|criticised|criticized|praised|demanded|requested|proposed|recommended|told reporters|invited|"
    "voiced|conceded(?! (?:defeat|the (?:election|race|seat)))|found that|ruled that|concluded that|cited|"
    "revealed|reveals|reported that|"
    "reported(?=\\s*[.,;])|reported(?= there (?:was|were|is|are|had been)\\b)|"
    "reported(?= (?:earlier|late|last|this|on|yesterday|today|overnight|Monday|Tuesday|Wednesday|Thursday|"
    "Friday|Saturday|Sunday)\\b[^.;,]{0,30}[.,;])|reports|advised that|"
    "tweeted|touted|touting|disclosed|alleged|testified|characteri[sz]ed|noted that|observed that|"
    "announcing|claiming|insisting|warning|arguing|explaining|confirming|notes|teased|teases|teasing|"
    "sounded (?:an|the) alarm|singled out|reassured|boasted|boasts|complained|complains|lamented|"
    "conceding|noting|stressing|urging"
)
# Speech verbs that attribute only right after a quote: "“…” The head coach continued."
AFTER_QUOTE_VERBS = "continued|went on|concluded|recalled|joked|laughed|quipped|shouted|yelled|tweeted|posted"
DENIAL_VERBS = r"denied|denies|deny|denying|rejected|rejects|dismissed|dismisses|refuted|refutes|disputed|disputes"

_W = r"(?:[\w’'-]+ ){0,4}?"  # up to four words in between, lazily

STRONG_EVENT_TRIGGERS: dict[str, str] = {
    "ceasefire": rf"(?:ceasefire|cease-fire|truce|armistice) {_W}(?:took effect|came into effect|was agreed|"
    rf"was announced|was signed|was brokered|collapsed|ended)|agreed (?:to )?a (?:ceasefire|truce)",
    "conflict": rf"(?:war|conflict|hostilities|fighting|clashes|confrontation|escalation) {_W}(?:began|broke out|"
    rf"erupted|started|ended)|(?:began|broke out|erupted) {_W}(?:war|conflict|hostilities|fighting)",
    "attack": r"(?:killed|injured|wounded|died) in (?:an? |the )?(?:[\w’'-]+ ){0,2}?(?:air ?strikes?|attacks?|"
    r"bombings?|raids?|shelling|shooting|explosions?|blasts?)|(?:air ?strikes|raids|attacks) (?:were|was) "
    r"(?:conducted|carried out|launched)|carried out (?:[\w’'-]+ ){0,2}?(?:air ?strikes|raids|attacks)|"
    r"attacked|bombed|shelled|invaded|shot down|launched (?:[\w’'-]+ ){0,4}?(?:attacks?|strikes?|"
    r"campaign|offensive|raids?|missiles?|drones?)|fired (?:[\w’'-]+ ){0,2}?(?:missiles|rockets|shots)|"
    r"engaged (?:[\w’'-]+ ){0,2}?drones",
    "call": r"spoke (?:[\w’'-]+ ){0,4}?(?:by|on the|over the) (?:tele)?phone|held (?:a )?(?:phone|telephone) "
    r"(?:call|conversation)",
    "meeting": r"\bmet\b|held talks|hosted (?:talks|a summit|a meeting)|convened",
    "visit": r"visited|toured|paid a visit|flew over|arrived in (?-i:[A-Z])|"
    r"(?:after|before|while|when) (?:visiting|touring|flying over)",
    "election": r"went to the polls|polls (?:closed|opened)|(?:was|were) (?:re-)?elected|re-elected|"
    r"(?:won|wins|win|winning) (?:[\w’'-]+ ){0,4}?(?:seats?|votes|election|vote|majority|re-election|primary|runoff|"
    r"run-off|race|bid|term|nomination|mayoralty|victory)|(?:registered|secured|claimed|earned|clinched|recorded|"
    r"sealed|squeaked out|picked up|pulled out|notched|grabbed|snatched|brought) (?:[\w’'-]+ ){0,3}?(?:victory|win)|"
    r"(?:conceded|accepted) (?:defeat|the (?:election|race|seat))|"
    r"results are in|neck and neck|too close to (?:call|determine)|(?:defeated|defeats|ousted|unseated) "
    r"(?:[\w’'-]+ ){0,2}?(?:incumbent|challenger|mayor|councilor|councillor|rival|opponent|(?-i:[A-Z]))|"
    r"(?:seats?|race|election|primary|runoff|nomination) (?:was|were) (?:also )?won by",
    "vote": r"voted (?:[\w’'-]+ ){0,3}?(?:to|for|against|in favou?r)|approved (?:[\w’'-]+ ){0,3}?(?:by|in) a vote|"
    r"(?:passed|passes|adopted|adopts) (?:the |a |an |its |their )?(?:[\w’'$-]+ ){0,3}?(?:budget|bill|law|measure|"
    r"ordinance|resolution|motion|levy|tax)|(?:was|were|has been|have been) (?:passed|adopted|approved|rejected)",
    "decision": r"(?:raised|cut|lowered|held|kept|left|hiked|reduced) (?:its |the |their )?(?:[\w’'-]+ ){0,3}?"
    r"(?:rates?|benchmark|dividend|guidance)|(?:was|were|is|are) (?:keeping|holding|leaving) (?:[\w’'-]+ ){0,3}?"
    r"(?:rates?|benchmark)|decided|approved|imposed|lifted|banned|suspended|"
    r"slapped|dropped (?:the |a |an |all )?(?:[\w’'-]+ ){0,2}?(?:counts?|charges?|case|lawsuit)|"
    r"(?:gave|given|granted) (?:its |their |final )?approval|extended (?:[\w’'-]+ ){0,3}?(?:cuts?|deal|ban|"
    r"curbs|sanctions|agreement|ceasefire|truce|deadline)|"
    r"appointed|resigned|declared (?:a |an )?(?:[\w’'-]+ ){0,3}?(?:emergency|calamity|disaster|curfew)|"
    r"announced (?:plans|a|an|the) ",
    "ruling": r"ruled|sentenced|convicted|acquitted|overturned|upheld|(?:blocked|blocks|struck down|strikes down|"
    r"overturns|upholds|halted|halts) (?:[\w’'-]+ ){0,4}?(?:law|order|rule|ban|policy|merger|deal|plan|sale|"
    r"decision|measure|bill|executive order)s?\b|found (?:[\w’'-]+ )?(?:guilty|liable)|"
    r"dismissed (?:the |a |an )?(?:case|appeal|lawsuit|claim|charges)",
    "transfer": r"signed for|has signed|completed (?:a|his|her|the) (?:[\w’'-]+ )?(?:move|transfer|signing)|"
    r"joined (?:(?-i:[A-Z])[\w’'-]+|the club)|agree(?:d|ing) a fee|(?:completed|underwent|passed) (?:a|his|her) "
    r"medical",
    "earnings": r"reported (?:[\w’'-]+ ){0,3}?(?:revenue|profit|earnings|sales|net income|loss|results)|"
    r"(?:beat|beats|missed|misses|topped|tops) (?:[\w’'-]+ ){0,2}?(?:forecasts|estimates|expectations)|"
    r"posted (?:[\w’'-]+ ){0,3}?(?:profit|loss|revenue)|(?:revenue|sales|profit|earnings) (?:[\w’'-]+ ){0,3}?"
    r"(?:rose|fell|jumped|climbed|dropped|increased|decreased|slipped|grew)",
    "disaster": rf"(?:earthquake|quake|flood|floods|wildfire|fire|blaze|storm|hurricane|typhoon|cyclone|"
    rf"landslide|tsunami|eruption) {_W}(?:struck|hit|killed|destroyed|swept|tore|spread|burned|broke out|"
    rf"forced)|(?:were|was|been) (?:killed|injured|evacuated|destroyed|displaced)|died|killed at least|"
    r"made landfall|(?:fire|blaze|wildfire) (?:was )?(?:sparked|started|ignited)|"
    r"slammed (?:ashore|into)|came ashore|left (?:[\w’',-]+ ){0,5}?(?:dead|homeless|missing)|"
    r"(?:main|pipe|pipeline|dam|levee|dike|bridge|roof|building|crane|tunnel|wall) (?:[\w’'-]+ ){0,3}?(?:broke|burst|"
    r"ruptured|gave way|caved in)\b|(?:explosion|blast|collapse|fire) (?:[\w’'-]+ ){0,3}?"
    r"(?:tore through|ripped through|hit|struck|killed|trapped)|exploded|collapsed|were trapped|was trapped",
    "agreement": r"signed (?:[\w’'-]+ ){0,3}?(?:agreement|deal|accord|treaty|contract|memorandum)|"
    r"(?:reached|came to) (?:[\w’'-]+ ){0,3}?(?:agreement|deal|settlement)|agreed to",
    "arrest": r"arrested|detained|(?:is|was|are|were) (?:now )?in (?:police )?custody|"
    r"charged with|(?:was|were|has been|have been) charged\b|indicted|extradited|"
    r"taken into custody",
    "collision": r"collided|crashed (?:[\w’'-]+ ){0,2}?into|(?:car|vehicle|truck|bus|train|plane|head-on) "
    r"(?:crash|collision)|derailed|ran aground",
    "rescue": r"rescued|were stranded|was stranded|evacuated (?:[\w’'-]+ ){0,3}?(?:people|residents|by boat|"
    r"families)|pulled (?:[\w’'-]+ ){0,2}?from the (?:water|rubble|wreckage)",
    "publication": r"(?:were|was|are|is) (?:published|reported) in (?:the )?(?:[\w’'-]+ ){0,4}?(?:journal|"
    r"review|magazine)",
    "fine": r"(?:was|were|has been|have been) fined|fined (?:[\w’'-]+ ){0,3}?(?:\$|£|€|\d)|ordered to pay",
    "plea": r"pleaded (?:not )?guilty|entered (?:the |a |his |her |their )?(?:guilty )?pleas?\b|"
    r"admitted (?:the |\d+ )?charges?",
    "recall": r"recalled|ordered (?:a |the )?recall|issued (?:a |the )?recall|pulled (?:[\w’'-]+ ){0,3}?from (?:the )?"
    r"(?:shelves|market)",
    "investigation": r"(?:began|launched|opened|started) (?:an? )?(?:[\w’'-]+ )?(?:investigation|inquiry|probe|"
    r"inspection|audit)",
    "protest": r"marched|protested|rallied|demonstrated against|took to the streets",
    "cancellation": r"cancell?ed|postponed|grounded (?:[\w’'-]+ ){0,2}?(?:flights|planes|aircraft)",
    "match": r"\bbeat\b|\bbeats\b|defeated|thrashed|drew \d+-\d+|(?:won|lost) \d+-\d+|"
    r"held (?:[\w’'-]+ ){0,2}?to a draw|"
    r"(?:won|wins|winning) (?:[\w’'-]+ ){0,3}?(?:title|final|race|championship|cup|trophy|gold|medal|stage|"
    r"marathon|open|tournament|grand prix)|won \d+ of|\d+-\d+ (?:win|victory|defeat|loss|draw|rout)|"
    r"(?:set|sets|broke|breaks|smashed|shattered|fells?) (?:a |the )?(?:new )?(?:[\w’'-]+ )?record|"
    r"record (?:has been|was|is) (?:shattered|broken|smashed)|earned (?:him |her |them )?the lead|took the lead|"
    r"(?:played|faced|hosted) (?:against )?(?-i:[A-Z])[\w’'-]+",
    "acquisition": r"agreed to (?:buy|acquire|merge)|(?:will|would) (?:buy|acquire) (?:[\w’'-]+ ){0,4}?for|"
    r"announced (?:[\w’'-]+ ){0,3}?(?:takeover|acquisition|merger)|completed (?:[\w’'-]+ ){0,3}?(?:takeover|"
    r"acquisition|merger)",
    "launch": r"(?:has |have |had )?launched (?!(?:[\w’'-]+ ){0,4}?(?:attacks?|strikes?|campaign|offensive|raids?|"
    r"missiles?|drones?|investigation|inquiry|probe|appeal))|unveiled|rolled out|went on sale",
    "office": r"sworn in|took office|was inaugurated|stepped down|was ousted|was dismissed",
    "aid": r"(?:released|pledged|sent|donated|approved|announced) (?:[\w’'$€£.,-]+ ){0,4}?(?:in )?(?:humanitarian )?"
    r"(?:aid|funding|funds|relief|assistance)",
    "lawsuit": r"(?:case|lawsuit|suit|claim|complaint|action|appeal) (?:was|were|has been) (?:brought|filed|lodged)|"
    r"(?:filed|brought|lodged) (?:a |an )?(?:[\w’'-]+ ){0,2}?(?:lawsuit|suit|complaint|legal challenge)|\bsued\b",
    "strike": r"went on strike|(?:returned|went back|gone back|go back|return) to work|walked out|"
    r"began (?:a |an )?(?:[\w’'-]+ )?strike|called off (?:the |a |their )?strike|"
    r"(?:ended|suspended) (?:the |a |their )?(?:[\w’'-]+ )?strike",
}

WEAK_EVENT_TRIGGERS: dict[str, str] = {
    "ceasefire": r"ceasefire|cease-fire|truce|armistice",
    "call": r"phone call|telephone conversation|phone conversation|(?:a|the) call",
    "conflict": r"war|conflict|hostilities|outbreak",
    "attack": r"attacks?|air ?strikes?|air ?raids?|bombing|offensive|missile fire",
    "meeting": r"meeting|summit|talks",
    "election": r"election|referendum|run-off|runoff",
    "ruling": r"ruling|verdict|judgment|judgement",
    "disaster": r"earthquake|quake|floods?|wildfires?|hurricane|typhoon|cyclone|landslide|tsunami",
    "agreement": r"agreement|deal|accord",
    "strike": r"walkout|strike action|stoppage|strikes?",
    "collision": r"crash|collision|pile-up",
}

# Headlines state a happening in the present tense ("Toyota recalls 2.3 million cars", "Hurricane Irma
# leaves 3 dead", "Hamilton pips Vettel"): read only on lines that are not sentences.
HEADLINE_EVENT_TRIGGERS: dict[str, str] = {
    "recall": r"recalls|pulls (?:[\w’'-]+ ){0,3}?from (?:the )?(?:shelves|market)",
    "disaster": r"(?:leaves|kills|killing) (?:[\w’'.,-]+ ){0,4}?(?:dead|people|homeless|missing)|kills \d|"
    r"makes landfall|(?:hits|strikes|slams|batters|lashes|sweeps) (?-i:[A-Z])[\w’'-]+",
    "decision": r"approves|(?:raises|cuts|holds|keeps|leaves|hikes|lowers) (?:[\w’'-]+ ){0,3}?(?:rates?|benchmark|"
    r"dividend|guidance)|(?:lifts|bans|suspends|imposes|extends?) (?:[\w’'-]+ ){0,3}?(?:cuts?|ban|curbs|sanctions|"
    r"tariffs?|deal|deadline|limits?)",
    "vote": r"(?:passes|adopts|adopting|passing|approves) (?:[\w’'$-]+ ){0,3}?(?:budget|bill|law|measure|"
    r"ordinance|resolution|motion|levy|tax)",
    "election": r"(?:concedes|accepts|admits) defeat|(?:wins|clinches|secures|claims) (?:[\w’'-]+ ){0,3}?(?:election|"
    r"vote|seat|majority|presidency|term|runoff|primary|mandate)|(?:is|re-)?elected|re-elects|(?:stays|sticks) with "
    r"(?-i:[A-Z])[\w’'-]+|(?:grants?|gives?|hands?) (?:[\w’'-]+ ){0,5}?(?:term|victory|win|mandate)",
    "match": r"(?:beats|pips|edges|thrashes|downs|stuns|routs|sinks|outclasses|overcomes|holds) (?-i:[A-Z])[\w’'-]+|"
    r"(?:wins|clinches|claims|retains|lifts) (?:[\w’'-]+ ){0,3}?(?:title|final|race|championship|cup|trophy|"
    r"series|grand prix|open|gold|medal)|draws? with",
    "collision": r"(?:killed|dies|die|dead|injured|hurt) in (?:[\w’'-]+ ){0,5}?(?:crash|collision|accident|"
    r"wreck|pile-up)|(?:causes|cause) (?:[\w’'-]+ ){0,2}?(?:crash|collision)",
    "attack": r"(?:killed|dies|die|dead) in (?:[\w’'-]+ ){0,3}?(?:attacks?|air ?strikes?|bombings?|blasts?|"
    r"shooting|explosions?)",
    "arrest": r"(?:arrests|arrested|charged|charges|indicts|indicted|detains|held) (?:[\w’'-]+ ){0,4}?"
    r"(?:in|over|for|with|after)\b",
    "plea": r"pleads (?:not )?guilty",
    "ruling": r"(?:sentenced|jailed|convicted|acquitted) (?:to|for|over|of|in)\b|(?:court|judge) (?:rules|blocks|"
    r"strikes down|upholds|overturns)",
    "agreement": r"(?:signs|reach|reaches|strike|strikes|agree|agrees) (?:[\w’'-]+ ){0,3}?(?:deal|agreement|accord|"
    r"treaty|pact|truce|ceasefire)",
    "acquisition": r"(?:buys|acquires|to buy|to acquire|merges with|takes over)\b",
    "launch": r"launches|unveils|rolls out|debuts",
    "earnings": r"(?:revenue|sales|profits?|earnings|income) (?:[\w’'-]+ ){0,3}?(?:climbs?|rises?|falls?|jumps?|"
    r"drops?|slides?|surges?|tumbles?|soars?|plunges?|slumps?)",
    "strike": r"(?:return|returns|go back|goes back) to work|(?:end|ends|call off|calls off) (?:[\w’'-]+ ){0,2}?strike",
    "resignation": r"resigns|quits|steps down",
    "death": r"\bdies\b(?! in)",
}

STRONG_EVENTS = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in STRONG_EVENT_TRIGGERS.items()}
WEAK_EVENTS = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in WEAK_EVENT_TRIGGERS.items()}
HEADLINE_EVENTS = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in HEADLINE_EVENT_TRIGGERS.items()}
