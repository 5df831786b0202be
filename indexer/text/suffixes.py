"""Kazakh suffix tables for `indexer.text.stemmer` — data, not code.

How to read the tables
----------------------
A word is peeled from its end inwards. Every suffix belongs to one GROUP (a slot of
Kazakh morphotactics: person, case, possessive, plural, ...). Each group says which groups
may stand *inside* it (`inward`), i.e. may be peeled next. The driver tries every way of
peeling that the tables allow; the driver chooses among them (see `stemmer._choose`).

Each row is `(suffixes, after, note)`:
  * `suffixes`: the harmonic variants, space separated. A suffix with a back vowel
    (а о ұ ы) is only taken from a stem whose last vowel is back, one with a front vowel
    (ә е ө ү і) only from a front stem; a suffix without vowel fits any stem.
  * `after`: what the stem must end with, space separated: V = a vowel, C = a consonant,
    X = a voiceless consonant, Z = a voiced consonant (sonorants included) that can
    stand before a consonant, * = anything,
    or literal letters.
  * optional 4th field: "free" = the suffix does not harmonise (-мен); "syl2" = the
    stem left must keep two syllables (one-letter voice suffixes: жаса-л, not бі-л);
    "lex" = the row only counts when the lexicon knows the word it leaves (converb -а
    onto a listed verb: бара, but not қала).
The DERIV groups are the root layer's: the word layer never peels derivation.
A group with `needs_inward` only counts when something inside it is peeled too
(келді-м: the -м needs the past -ді). After peeling, the driver undoes б/г/ғ → п/к/қ,
drops a final ы/і after a consonant and writes elided stems short (орын → орн).
Harmony and `after` are what keep e.g. -ды (after voiced sounds) and -ты (after voiceless
ones) apart, and what stop a vowel-final noun like «бала» losing a made-up suffix.

Measurements on kk_ktb-dev.conllu (pairwise conflation, see eval_stems.py; R / P / F1):
  no stemming                                          0.000 / 1.000 / 0.000
  first five letters                                   0.218 / 0.717 / 0.334
  first table set, shortest stem wins                  0.664 / 0.736 / 0.698
  + short person endings only on -ды/-са, -мен free of harmony, genitive -ның after
    nasals, neg. converb -май, evidential -ыпты, 1-letter voice only on 2-syllable
    stems, no CV stems like «жа»                       0.783 / 0.824 / 0.803
  (the stem vowel of қара-/оқы- as its own slot: -0.03 F; dropped, the final ы/і
    rule in the driver covers оқы-)
  - 1sg possessive -ым (collides with nouns in -ым: білім, тізім)   R -0.02, P +0.02
  - aorist -ар (collides with causative шығар, nouns базар)           R -0.01, P +0.01
  - reciprocal -ыс (collides with nouns жұмыс, дағдарыс)              P +0.01
  - attributive -ғы (қазіргі, соңғы are their own words)             F +0.008
    all four together                                  0.763 / 0.881 / 0.818
  + vowel elision орын/орны, ROOTS list                0.771 / 0.882 / 0.823
  - equative -ша (ақша, патша; қазақша is its own word)               F +0.004
  + б г ғ д never before a consonant suffix (жағдай ≠ жақ-дай)
    then                                               0.772 / 0.892 / 0.828
  folded mode then                                    0.756 / 0.786 / 0.771
    (folding itself merges тұр/түр, көр/қор, ал/әл; harmony is undecidable for а о у и)
Tried and rejected:
  word-final converb -а/-е (бара, келе): F +0.009 on dev, but a bare noun query «бала»,
    «сала», «қала» would stem to «бал», «сал», «қал» and miss every inflected form;
  1sg/2sg possessive -м/-ң after vowels (балам): F -0.002, and «адам», «кезең» lose letters;
  reflexive -ын after any consonant: ±0; no voice under the past -ды: ±0;
  dropping -лық: F +0.001 on dev but «партиялық» must meet «партия».
Checked on news (kaznerd + the strategy paper: a bare noun must stem like its case forms):
  - converb -п after vowels (жасап): dev F -0.006, but кітап, жауап, талап, себеп,
    мектеп, есеп, тарап all lost their «п» as bare words;
  - dative -а after the 2nd possessive (еліңе): dev F -0.004, but «жаңа» became «жаң»;
  - no voice under the short person endings (ауылдың ≠ ау-ыл-ды-ң): dev F +0.001.
  + ordinal -ыншы, devoiced в/д after loans, -ев/-к stems harmony-free, теңге
    final                                              0.757 / 0.892 / 0.819
  folded mode, final                                   0.748 / 0.789 / 0.768
By source (`evaluate(gold, by_source=True)`; groups counted on their own forms):
  tables alone   all 0.757/0.892/0.819  news+encyclopedia 0.845/0.896/0.870
                 kdt 0.754/0.902/0.822  other (tales, Abai, phrasebook) 0.738/0.944/0.829
  random halves of dev: F1 0.796 on average (5 draws), quarters 0.808: the margin over
  0.80 was thin.
Word list from hunspell-kk (data/kk_lexicon.txt; `_choose` in the driver): among the
peelings the tables allow, the shortest stem the list knows as the right kind of word
(a verb under a tense, a noun under a case); the word itself only counts when the tables
find no verb or derivation reading in it (the list holds many inflected verb forms);
entries the tables read as inflected (plurals, listed noun + ending) left out of the list.
  + word list                                          0.765 / 0.898 / 0.826
      news+encyclopedia 0.899/0.902/0.901, kdt 0.762/0.907/0.828, other 0.734/0.942/0.825
      (сауда, аудан, үкімет, мекеме, чемпионат whole; қара-ды, баста-ды, сұра-ды)
  + converb -п after vowels onto a listed verb of 2 syllables, талап тарап атырап себеп
    as ROOTS                                           0.773 / 0.898 / 0.831
      news+encyclopedia 0.909/0.903/0.906, kdt 0.769/0.908/0.833, other 0.738/0.943/0.828
      random halves: F1 0.809
  folded mode then                                     0.769 / 0.804 / 0.786
Tried with the word list and rejected:
  listed word not cut by a bare -н/-ын/-ің (алтын, орын): F1 -0.011, because the list
    also holds жылын, адамын; converb -а/-е onto a listed verb: қала, сала, ата, баға,
    жаза, кеме, түйе are verbs + -а too; preferring қара- over қар- under -ады: «ала-»
    (алау, flame) is listed as a verb, and алады must stay «ал».
Issue #10, the word layer (R / P / F1, token purity, completeness; `izde eval stems`):
  before                                               0.773 / 0.898 / 0.831, 0.842, 0.695
  derivation out of the word layer (-лық, ordinal: the root layer's DERIV), the lexicon
    as spine (longest known reading; KazNLP roots and analyses; verbs' causatives and
    nouns' privative -сыз words of their own)          0.819 / 0.930 / 0.871, 0.874
  lexicon-only rows: converb -а/-е/-й, 1sg/2sg possessive -м/-ым/-ң, aorist -ар,
    intention -мақ, wish -ғысы, negative imperative -ма; curated roots before hunspell
    entries, the tables' own rows before lexicon-only ones    0.884 / 0.946 / 0.914, 0.889
  2sg polite -сыз only on verbs; unknown words read as nouns; particles да/де/та/те and
    ма/ме/ба/бе/па/пе one word each, apart from the verb де-   0.885 / 0.956 / 0.919, 0.926
  the bare word as a verb stem (жаса); voice peeled only under a verbal reading
    (a bug had cut жыла-ды to жыл)                     0.890 / 0.963 / 0.925, 0.942, 0.829
  + comparative -ырақ, elision nouns (ELISION_NOUNS, stems seen elided), restored
    б/г/ғ first                                        0.889 / 0.963 / 0.925, 0.942, 0.828
  final: + converb -и of ы/і verbs (оқи), intention -мақ only word-final
                                                       0.891 / 0.963 / 0.926, 0.941, 0.829
    by source: news+encyclopedia 0.960/0.990/0.974, kdt 0.887/0.969/0.926,
    other 0.916/0.973/0.943; without KazNLP's analysed forms 0.837 / 0.967 / 0.897, 0.946;
    random halves of dev (5 draws): P 0.952-0.963, F1 0.921-0.934, purity 0.955-0.957;
    folded mode 0.874 / 0.951 / 0.911, purity 0.932
The root layer (DERIV, DERIV_VERB, VERB_DERIV, VERBALISE; `stemmer.rootWord`), checked with a
  plain BM25 over KazQAD dev (title+text, one process, not izde's ranker; nDCG@10): the
  stemmer before #10 alone 0.583; the word layer alone 0.569; + root field at weight 0.75
  0.578; + unlisted roots of 5+ letters (мейоз-дық) 0.579; + voice, verbalisers, -у/-ым
  nouns back to their verb (only from a verb key: ақын is not ақ- + -ын) 0.584 at weight
  1.0. Action nouns in -ыс back to a verb lifted it to 0.591 but cut дағдарыс, жұмыс to
  fragments: rejected.
Tried and rejected: every hunspell verb as curated (its verbs hold берме-, қалма-): R -0.017;
  the aorist -р after vowels (топта-р-дан beat топ-тар-дан): R -0.01; a curated root
  standing whole against KazNLP's analysis of the form (жазушы): R -0.024.
"""

from __future__ import annotations

from pathlib import Path

# Letters. «у» and «и» are both vowel-like and glide-like in Kazakh spelling; they count
# as vowels (V) and as voiced (Z) so either reading of a suffix condition applies.
VOWELS = "аәеоөұүыіэюяёиу"
BACK_VOWELS = "аоұыяё"
FRONT_VOWELS = "әеөүіэ"
NEUTRAL_VOWELS = "ую"  # harmony is read from the vowel before them
# «и» ends Russian loans whose harmony is unpredictable (карантин-де, тарих-ы): it decides nothing.
UNDECIDED_VOWELS = "и"
# Voiceless consonants, plus в д б г: final in Russian loans they are devoiced and
# take voiceless suffixes (Назарбаевтың, миллиардқа, клубта).
VOICELESS = "кқпстфхцчшщвдбг"
# Voiced consonants a suffix can follow. б в г ғ д are left out: a stem never ends in
# them before a consonant (жақ-тай, not жағ-дай), so «жағдай» keeps its «дай».
VOICED = "жзйлмнңру"
# Every consonant letter: before a vowel-initial suffix a stem may end in б г ғ д (кітаб-ы).
CONSONANTS = VOICELESS + VOICED + "бвгғдһ"


MIN_STEM = 2  # letters a stem keeps; it must also keep a vowel
# A two-letter stem of consonant + vowel is only a root when the vowel is one of these
# (же, де, ту, жу, қу, су, ки); «жа», «бо», «ке» are leftovers of over-stemming.
SHORT_OPEN_VOWELS = "еуи"

# ---------------------------------------------------------------------------------------
# Groups, outermost first. `inward` lists the groups that may be peeled after this one.
# ---------------------------------------------------------------------------------------
GROUPS: dict[str, dict] = {
    # Personal endings of verbs and predicative endings of nouns («үйдемін», «баласың»).
    "PERSON": {
        "inward": ("CASE", "POSS", "PLURAL", "PARTICIPLE", "FINITE", "PRESENT"),
        "rows": [
            ("мын мін", "V Z", "1sg: I am / I do"),
            ("бын бін", "ж з", "1sg after ж з"),
            ("пын пін", "X", "1sg after voiceless"),
            ("мыз міз", "V Z", "1pl"),
            ("быз біз", "ж з", "1pl after ж з"),
            ("пыз піз", "X", "1pl after voiceless"),
            ("сың сің", "*", "2sg"),
            ("сыңдар сіңдер сыздар сіздер", "*", "2pl"),
            ("сын сін", "C", "imperative 3rd: барсын (after vowels it is -сы-н)"),
            ("ыңыз іңіз ыңдар іңдер", "C", "imperative polite / plural"),
            ("айын ейін йын йін", "*", "imperative 1sg: барайын"),
            ("айық ейік йық йік", "*", "imperative 1pl: білейік"),
            ("шы ші", "*", "softened imperative: айтшы"),
            ("дыр дір", "V Z", "copula of probability: адамдыр"),
            ("тыр тір", "X", "copula after voiceless"),
        ],
    },
    # 2sg polite, only on a verb form (келесіз, білгенсіз): on a noun -сыз is the
    # privative that makes a word of its own (тілсіз, жансыз, үздіксіз).
    "PERSON_POLITE": {
        "inward": ("PARTICIPLE", "FINITE", "PRESENT"),
        "needs_inward": True,
        "rows": [
            ("сыз сіз", "*", "2sg polite: барасыз"),
        ],
    },
    # Short personal endings, only on the past -ды or the conditional -са: келді-м.
    "PERSON_SHORT": {
        "inward": ("PAST_COND",),
        "needs_inward": True,
        "rows": [
            ("м", "ы і а е", "1sg: келдім, тұрсам"),
            ("ң", "ы і а е", "2sg: көрдің, салсаң"),
            ("ңыз ңіз ңдар ңдер ңыздар ңіздер", "ы і а е", "2sg polite / 2pl"),
            ("қ к", "ы і а е", "1pl: бардық, келсек"),
        ],
    },
    "PAST_COND": {
        "inward": ("NEG",),  # not VOICE: ауыл-дың is a genitive, not ау-ыл-ды-ң
        "rows": [
            ("ды ді", "V Z", "past"),
            ("ты ті", "X", "past after voiceless"),
            ("са се", "*", "conditional"),
        ],
    },
    # Case endings, plus similative -дай, equative -ша and the attributive -дағы / -ғы.
    "CASE": {
        "inward": ("POSS", "PLURAL", "PARTICIPLE"),
        "rows": [
            ("ның нің", "V м н ң", "genitive after vowels and nasals"),
            ("дың дің", "р й у л ж з", "genitive after other voiced"),
            ("тың тің", "X", "genitive after voiceless"),
            ("ны ні", "V", "accusative after vowels"),
            ("ды ді", "Z", "accusative after voiced"),
            ("ты ті", "X", "accusative after voiceless"),
            ("н", "ы і", "accusative after the possessive: баласын"),
            ("ға ге", "V Z", "dative"),
            ("қа ке", "X", "dative after voiceless"),
            ("на не", "ы і", "dative after the 3rd possessive: басына"),
            ("да де", "V Z", "locative"),
            ("та те", "X", "locative after voiceless"),
            ("а е", "м ң", "dative after the 1st/2nd possessive: басыма, еліңе", "lex"),
            ("нда нде", "ы і", "locative after the 3rd possessive"),
            ("дан ден", "V Z", "ablative"),
            ("нан нен", "м н ң ы і", "ablative after nasals and the 3rd possessive"),
            ("тан тен", "X", "ablative after voiceless"),
            ("мен менен", "*", "instrumental (does not harmonise)", "free"),
            ("бен пен", "C", "instrumental after consonants", "free"),
            ("дай дей", "V Z", "similative: қасқырдай"),
            ("тай тей", "X", "similative after voiceless"),
            ("ндай ндей", "ы і", "similative after the possessive: өзіндей"),
            ("ырақ ірек", "C", "comparative: жақынырақ; onto a listed word", "lex"),
            ("рақ рек", "V", "comparative after vowels: кішірек; onto a listed word", "lex"),
            ("дағы дегі", "V Z", "attributive locative: елдегі"),
            ("тағы тегі", "X", "attributive locative after voiceless"),
            ("ндағы ндегі", "ы і", "attributive locative after the possessive"),
        ],
    },
    "POSS": {
        "inward": ("PLURAL", "PARTICIPLE"),
        "rows": [
            ("ың ің", "C", "2sg"),
            ("ыңыз іңіз", "C", "2sg polite"),
            ("ңыз ңіз", "V", "2sg polite after vowels"),
            ("ыңдар іңдер ыңыздар іңіздер", "C", "2pl"),
            ("ңдар ңдер ңыздар ңіздер", "V", "2pl after vowels"),
            ("ы і", "C", "3rd"),
            ("сы сі", "а ә е о ө ұ ү у и ю я", "3rd after vowels (not ы і: жұмыс-ы)"),
            ("сы сі", "ы і", "3rd after ы і: жылқысы; only onto a listed word", "lex"),
            ("ымыз іміз", "C", "1pl"),
            ("мыз міз", "V", "1pl after vowels"),
            ("м", "V", "1sg after vowels: балам; only onto a listed word (not адам)", "lex"),
            ("ым ім", "C", "1sg: қолым; only onto a listed word (not білім, тізім)", "lex"),
            ("ң", "V", "2sg after vowels: балаң; only onto a listed word (not жаң-а)", "lex"),
        ],
    },
    "PLURAL": {
        "inward": ("PARTICIPLE",),
        "rows": [
            ("лар лер", "V р й у", "after vowels and р й у"),
            ("дар дер", "Z", "after voiced consonants"),
            ("тар тер", "X", "after voiceless"),
        ],
    },
    # Verb forms that behave like nouns: participles, verbal nouns.
    "PARTICIPLE": {
        "inward": ("NEG", "VOICE"),
        "rows": [
            ("ған ген", "V Z", "past participle: алған"),
            ("қан кен", "X", "past participle after voiceless"),
            ("атын етін", "C", "habitual participle: келетін"),
            ("йтын йтін", "V", "habitual participle after vowels"),
            ("у", "*", "verbal noun: алу, оқу"),
            ("ушы уші", "*", "agent: айтушы"),
            ("ар ер", "C", "aorist participle: барар; only onto a listed verb", "lex"),
            ("ғысы гісі ғым гім ғың гің ғымыз гіміз", "V Z", "wish: барғым келеді", "lex"),
            ("қысы кісі қым кім қың кің қымыз кіміз", "X", "wish after voiceless", "lex"),
            ("мас мес", "V р й у л", "negative aorist: алмас"),
            ("бас бес", "ж з м н ң", "negative aorist after ж з and nasals"),
            ("пас пес", "X", "negative aorist after voiceless"),
        ],
    },
    # Finite verb forms and converbs.
    "FINITE": {
        "inward": ("NEG", "VOICE"),
        "rows": [
            ("ды ді", "V Z", "past: алды"),
            ("ты ті", "X", "past after voiceless"),
            ("ады еді", "C", "present 3rd: келеді"),
            ("йды йді", "V", "present 3rd after vowels: ойлайды"),
            ("иды иді", "C", "present 3rd of ы/і verbs: оқиды"),
            ("ып іп", "C", "perfect converb: алып"),
            ("а е", "C", "converb: бара, келе; only onto a listed verb (not қала)", "lex"),
            ("й", "V", "converb after vowels: ойнай; only onto a listed verb", "lex"),
            ("и", "C", "converb of ы/і verbs (ы/і + й): оқи, ести; onto a listed verb", "lex"),
            ("мақ мек", "V р й у л", "intention: білмек; onto a listed verb", "lex"),
            ("бақ бек", "ж з м н ң", "intention after ж з and nasals", "lex"),
            ("пақ пек", "X", "intention after voiceless", "lex"),
            (
                "п",
                "V",
                "converb after vowels: жасап; only onto a verb of the lexicon (not "
                "кітап, жауап) of two syllables (not «тап», «қап»)",
                "lex syl2",
            ),
            ("са се", "*", "conditional: барса"),
            ("ыпты іпті", "C", "evidential: келіпті"),
            ("пты пті", "V", "evidential after vowels"),
            ("май мей", "V р й у л", "negative converb: келмей"),
            ("бай бей", "ж з м н ң", "negative converb after ж з and nasals"),
            ("пай пей", "X", "negative converb after voiceless"),
            ("мастан местен", "V р й у л", "negative converb: алмастан"),
            ("бастан бестен", "ж з м н ң", "negative converb"),
            ("пастан пестен", "X", "negative converb after voiceless"),
        ],
    },
    # The present-tense stem vowel, only under a personal ending: бар-а-мын.
    "PRESENT": {
        "inward": ("NEG", "VOICE"),
        "rows": [
            ("а е", "C", "present after consonants"),
            ("й", "V", "present after vowels"),
        ],
    },
    # Negative imperative at the end of a word: берме, қорықпа. Onto a listed verb only
    # (not the nouns көрме, сурет-ше).
    "NEG_IMP": {
        "inward": ("VOICE",),
        "rows": [
            ("ма ме", "V р й у л", "do not: берме", "lex"),
            ("ба бе", "ж з м н ң", "do not, after ж з and nasals", "lex"),
            ("па пе", "X", "do not, after voiceless: қорықпа", "lex"),
        ],
    },
    # Derivation: the ROOT layer only (`stemmer.root`). These make new dictionary words
    # (мемлекеттік, басшы, сыртқы, тұзды), so the word layer keeps them; the root layer
    # peels them from a word's key while what is left is a known word.
    "DERIV": {
        "inward": ("DERIV", "DERIV_VERB"),
        "rows": [
            ("лық лік", "V р й у", "abstract noun / adjective: партиялық"),
            ("дық дік", "Z", "after voiced: қазақстандық"),
            ("тық тік", "X", "after voiceless: мемлекеттік"),
            ("шы ші", "*", "agent: басшы"),
            ("шыл шіл", "*", "inclined to: ұлтшыл"),
            ("ғы гі", "V Z", "attributive: жылғы"),
            ("қы кі", "X", "attributive after voiceless: сыртқы"),
            ("лы лі", "V р й у", "having: ақылды, білімді"),
            ("ды ді", "Z", "having, after voiced"),
            ("ты ті", "X", "having, after voiceless: тұзды → тұз"),
            ("сыз сіз", "*", "without: жансыз"),
            ("ыншы інші ншы нші", "*", "ordinal: бірінші, екінші"),
        ],
    },
    # Nouns made from verbs, and verbs made from verbs (voice) or from nouns: the root
    # layer takes them back to a listed verb (DERIV_VERB) or noun (the verbalisers).
    "DERIV_VERB": {
        "inward": ("VERB_DERIV", "VERBALISE"),
        "rows": [
            ("у", "*", "verbal noun: басқару → басқар, тұтынушы → тұтыну → тұтын"),
            ("ым ім", "C", "result noun: білім → біл"),
        ],
    },
    "VERB_DERIV": {
        "inward": ("VERB_DERIV", "VERBALISE"),
        "rows": [
            ("тыр тір дыр дір", "*", "causative: келтір → кел"),
            ("ғыз гіз", "V Z", "causative: жүргіз → жүр"),
            ("қыз кіз", "X", "causative after voiceless: өткіз → өт"),
            ("т", "V", "causative after vowels: оқыт → оқы", "syl2"),
            ("ыс іс", "C", "reciprocal: айтыс → айт"),
            ("ын ін", "C", "reflexive: көрін → көр"),
        ],
    },
    "VERBALISE": {
        "inward": (),
        "rows": [
            ("ла ле", "V р й у", "verb from a noun: ойла → ой"),
            ("да де", "Z", "verb from a noun after voiced"),
            ("та те", "X", "verb from a noun after voiceless: баста → бас"),
            ("лан лен", "V р й у", "verb from a noun: жоспарлан → жоспар"),
            ("дан ден", "Z", "verb from a noun after voiced"),
            ("тан тен", "X", "verb from a noun after voiceless"),
        ],
    },
    "NEG": {
        "inward": ("VOICE",),
        "rows": [
            ("ма ме", "V р й у л", "negation"),
            ("ба бе", "ж з м н ң", "negation after ж з and nasals"),
            ("па пе", "X", "negation after voiceless"),
        ],
    },
    "VOICE": {
        "inward": ("VOICE",),
        "rows": [
            ("ыл іл", "C", "passive: қойыл"),
            ("л", "V", "passive after vowels: жасал", "syl2"),
            ("ын ін", "л", "passive after л: алын, білін"),
        ],
    },
}

# Groups whose suffixes attach to verbs: a stem they leave must be a verb of the lexicon
# for the lexicon to vouch for it; the other groups leave nouns (and adjectives).
VERBAL_GROUPS = frozenset(
    {"FINITE", "PARTICIPLE", "PRESENT", "NEG", "NEG_IMP", "VOICE", "PAST_COND", "PERSON_SHORT"}
)

# Groups that may end a word (peeled first).
OUTERMOST: tuple[str, ...] = (
    "PERSON",
    "PERSON_POLITE",
    "PERSON_SHORT",
    "CASE",
    "POSS",
    "PLURAL",
    "PARTICIPLE",
    "FINITE",
    "NEG_IMP",
)
# A root the lexicon does not know must keep this many letters (and two syllables).
LOOSE_ROOT_LETTERS = 5
# The root layer's groups: derivation, peeled from a word's key.
ROOT_GROUPS: tuple[str, ...] = ("DERIV", "DERIV_VERB", "VERB_DERIV", "VERBALISE")

# Words that look suffixed but are not: they are never peeled further, whether they are
# the whole word or what is left of it («қазақстан-да» stops at «қазақстан»). талап,
# тарап, атырап, себеп: nouns that read as converbs of тала-, тара-, атыра-, себе-;
# немесе "or", not не + -ме-се.
ROOTS: frozenset[str] = frozenset(
    [
        "қазақстан",
        "өзбекстан",
        "қырғызстан",
        "тәжікстан",
        "түрікменстан",
        "ауғанстан",
        "пәкістан",
        "үндістан",
        "татарстан",
        "дағыстан",
        "өзге",
        "басқа",
        "бірге",
        "кейін",
        "дейін",
        "шейін",
        "сайын",
        "бойынша",
        "туралы",
        "арқылы",
        "қарай",
        "бүгін",
        "қандай",
        "мұндай",
        "сондай",
        "осындай",
        "ондай",
        "теңге",
        "талап",
        "тарап",
        "атырап",
        "себеп",
        "немесе",
    ]
)

# Particles written apart, each a closed set of variants by harmony and the sound before
# it: one word each, and not the verb де- or a noun. (да/де/та/те "too, and"; the
# question particle ма/ме/ба/бе/па/пе; ғана/қана "only".)
PARTICLES: dict[str, str] = {
    **dict.fromkeys(["да", "де", "та", "те"], "да"),
    **dict.fromkeys(["ма", "ме", "ба", "бе", "па", "пе"], "ма"),
    **dict.fromkeys(["ғана", "қана"], "ғана"),
}

# Personal and demonstrative pronouns change their stem in the oblique cases (мен → маған,
# ол → оның, бұл → мұның): the closed paradigms are listed whole, so that оның is not the
# numeral он and маған is not the particle ма. Plural forms (олар, бұлар) are the tables'.
PRONOUNS: dict[str, str] = {
    form: lemma
    for lemma, forms in {
        "мен": "менің мені маған менде менен менімен",
        "сен": "сенің сені саған сенде сенен сенімен",
        "ол": "оның оны оған онда одан онымен оныкі",
        "бұл": "мұның мұны бұған мұнда бұдан мұнымен мұныкі",
        "сол": "соның соны соған сонда содан сонымен",
        "осы": "осының осыны осыған осында осыдан осымен",
    }.items()
    for form in forms.split()
}

# Agent nouns from verbs (жазушы "writer", оқушы "pupil"): a listed one is a word whole.
AGENT_ENDINGS = ("ушы", "уші")

# Final-consonant alternations undone on every stem: кітаб(ы) → кітап, жүрег(і) → жүрек,
# құлағ(ы) → құлақ. Native Kazakh words never end in б, г, ғ.
FINAL_REPAIR = {"б": "п", "г": "к", "ғ": "қ"}

# Vowel elision: a narrow ы/і between a sonorant and a final consonant drops before a
# vowel (орын → орны, ауыз → аузы, халық → халқы, ерік → еркі, әріп → әрпі). Stems are
# written without it so both shapes meet: орын, орны-на → орн.
ELISION_BEFORE = "рлйу"  # the consonant before the dropped vowel
ELISION_VOWELS = "ыі"
ELISION_AFTER = "нзқкп"  # the final consonant after it
# Nouns whose narrow vowel drops before a possessive, as the grammars list them (body
# parts and a few others). They are words whole, not ер + -і-н; the word lists add the
# others their texts show (a stem seen as «орн-ы»).
ELISION_NOUNS: frozenset[str] = frozenset(
    [
        "ауыз",
        "мұрын",
        "ерін",
        "қарын",
        "мойын",
        "қойын",
        "орын",
        "халық",
        "ерік",
        "әріп",
        "ырық",
        "көрік",
        "бөрік",
        "құлық",
        "сұрық",
        "ғұрып",
        "дәріп",
        "парық",
        "нарық",
        "тұрық",
    ]
)

# A stem ending in one of these takes suffixes of either harmony: к/г (front consonants)
# after a back vowel in loans (банк-тің, парк-те); Russian surnames in -ев (Тоқаев-тың).
HARMONY_FREE_ENDINGS = ("к", "г", "ев")

# Word list from Debian's hunspell-kk (see data/kk_lexicon.LICENSE): nominal headwords, and
# verb stems written with a trailing hyphen. It guides the choice among peelings.
LEXICON_FILE = Path(__file__).with_name("data") / "kk_lexicon.txt"
