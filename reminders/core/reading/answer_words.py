"""The words of answers, English and Spanish: relief (better, same, worse), yes and no,
number words and what marks a number as a score or something else, and the words that
make a sentence a question for the clinic.

Phrases are written folded (lower case, no accents, no apostrophes); the matcher also
accepts their inflected forms and, for words of five letters or more, small typos.
Symptom terms are not here: they belong to the clinic (`symptoms:` in schedules.yaml).
"""

from __future__ import annotations

# Better / same / worse, and whether the treatment worked, as the patient says them.
RELIEF: dict[str, dict[str, list[str]]] = {
    "en": {
        "better": [
            "better", "improved", "improving", "improvement", "less pain", "hurts less",
            "much better", "relief", "relieved", "pain free", "painfree", "no more pain",
            "pain is gone", "pain gone", "pain went away", "doesnt hurt", "dont hurt",
            "does not hurt", "not hurting", "lot less", "way less", "less sore",
            "less painful", "not as bad", "not as painful", "easing", "eased", "easier",
            "perfect", "healed", "back to normal", "feeling good", "doing well",
            "quit hurting", "stopped hurting", "doesnt hurt anymore", "lots better",
            "loads better", "way better", "a lot better", "heaps better", "best ive felt",
            "best i have felt", "best i felt", "night and day", "huge difference",
            "big difference", "world of difference", "a lot of relief", "so much relief",
        ],
        "good": [  # good, said of oneself; "not great" is not "same"
            "good", "great", "awesome", "excellent", "amazing", "wonderful", "fantastic",
        ],
        "same": [
            "same", "the same", "no change", "no changes", "unchanged", "no different",
            "no difference", "nothing changed", "hasnt changed", "not changed", "so so",
            "about the same", "no better no worse", "neither better nor worse",
            "not better not worse", "status quo", "stable", "pain wont stop",
            "pain doesnt stop", "wont stop hurting", "doesnt stop hurting", "pain wont go away",
            "not going away", "hasnt gone away", "never goes away", "came back",
            "pain is back", "back to how it was", "wore off", "worn off", "still the same",
            "same as before", "no improvement", "back to square one", "square one",
            "back where i started", "back to normal pain", "back to my normal pain",
            "back to my usual pain", "back to usual", "back to the same", "crept back",
            "creeping back", "back up to where it was", "right back where", "came back up",
            "back to where it was", "where it was before",
        ],
        "worse": [
            "worse", "worst", "worsening", "worsened", "more pain", "hurts more", "more sore",
            "increased", "increasing", "pain is up", "more painful", "getting bad",
            "much worse", "flared", "flaring", "flare up", "flared up", "hurts worse",
        ],
        "no_effect": [
            "did nothing", "does nothing", "has done nothing", "done nothing", "nothing helped",
            "nothing at all changed", "didnt do a thing", "didnt do a darn thing",
            "didnt do squat", "didnt do jack", "waste of time", "no sirvio de nada",
            "no hizo nada", "no me hizo nada", "no me ha hecho nada", "ni me hizo cosquillas",
            "de nada sirvio",
        ],
        "effect": [  # negated: no effect
            "helped", "help", "work", "worked", "effect", "difference", "relief", "working",
            "do anything", "did anything", "do much", "did much", "change anything", "diff",
            "improve", "improved", "kicked in", "kick in",
        ],
    },
    "es": {
        "better": [
            "mejor", "mejorando", "mejoria", "mejorado", "mejore", "mejoro", "menos dolor",
            "me duele menos", "duele menos", "alivio", "aliviado", "aliviada", "mejorcito",
            "mejorcita", "mejorsito", "mejorsita", "estoy bien", "me siento bien", "ando bien",
            "muy bien", "excelente", "de maravilla", "perfecto", "perfecta", "ya no me duele",
            "ya no duele", "no me duele", "sin dolor", "se me quito el dolor", "se quito el dolor",
            "ya no hay dolor", "ya no siento dolor", "genial", "super bien", "bastante bien",
            "mucho mejor", "recuperado", "recuperada",
        ],
        "same": [
            "igual", "lo mismo", "sin cambio", "sin cambios", "sigue igual", "sigo igual",
            "no ha cambiado", "ni mejor ni peor", "regular", "na ha cambiao", "nada ha cambiado",
            "nada cambio", "no ha cambiao", "no cambia nada",
            "igualito", "igualita", "no cambia", "no cambio nada", "ningun cambio",
            "no se me quita el dolor", "no se quita el dolor", "el dolor no se va",
            "el dolor no para", "no para de doler", "sigue doliendo",
            "regreso el dolor", "volvio el dolor", "me volvio el dolor", "sigue igualito",
            "ninguna mejoria", "sin mejoria", "como antes", "otra vez como antes",
            "se le paso el efecto", "se me paso el efecto", "ya se paso el efecto",
            "se paso el efecto", "ya no hace efecto", "volvi a lo mismo",
        ],
        "worse": [
            "peor", "empeorando", "empeoro", "empeorado", "mas dolor", "me duele mas",
            "duele mas", "mas fuerte", "peorcito", "peorsito", "peorsita", "peorcita",
        ],
        "effect": [
            "funciono", "funcionado", "sirvio", "servido", "ayudo", "ayudado", "hizo nada",
            "hizo efecto", "efecto", "alivio", "cambio", "mejoro", "funciona", "sirve",
            "hace nada", "hizo", "diferencia", "ninguna diferencia", "noto diferencia", "dif",
            "noto la diferencia",
        ],
    },
}
# Words near a relief word that make it about something else: "better to use ice",
# "could be worse", "a lo mejor" (maybe), "same time".
RELIEF_EXCLUSIONS = {
    "en": ["better to", "better if", "had better", "better call", "could be worse",
           "could have been worse", "same time", "same day", "same thing", "the same question",
           "good morning", "good afternoon", "good evening", "good night", "good to know",
           "good day", "great day", "thank god", "best regards", "no help", "help me",
           "need help", "get help", "help with", "can you help", "to help", "any help",
           "for the help", "helped me understand", "good news", "good thing", "good question",
           "help please", "help you", "good job", "sounds good", "good luck", "great job",
           "in the same", "same as always", "same number", "good girl", "good boy",
           "more painful to", "worst part", "the worst was", "worst was", "bee hives",
           "feel better soon", "get better soon", "hope you", "good for", "fine print",
           "is that fine", "is it fine", "is it okay", "is that okay", "is it ok", "ok to",
           "okay to", "fine to", "good to", "alright to", "all good", "its all good",
           "good otherwise", "the flare", "from the flare", "nothing like before",
           "not like before"] + [f"{word} than {when}" for word in ("better", "worse")
                                        for when in ("yesterday", "last night", "this morning",
                                                     "earlier", "the other day", "last week")],
    "es": ["a lo mejor", "mejor llamo", "mejor me", "mejor les", "mejor manana", "mejor llamen",
           "mejor llamenme", "mejor le", "igual y", "igual si", "igual no", "buenos dias",
           "buenas tardes", "buenas noches", "bien gracias y usted", "esta bien", "ta bien",
           "al mismo tiempo", "el mismo dia", "lo mismo que me dijeron", "la ayuda",
           "muy bien gracias por", "mas o menos a las", "mejor que me llamen", "de todas formas igual",
           "lo peor", "lo mejor", "mejor de la gripa", "mejor de la gripe", "mejor del resfriado",
           "mejor de la tos", "mejor de la garganta", "mejor de la presion", "todo bien",
           "nada como antes", "no como antes", "ya no como antes"]
    + [f"{word} que {when}" for word in ("mejor", "peor")
       for when in ("ayer", "anoche", "en la manana", "esta manana", "la semana pasada")],
}

NUMBER_WORDS = {
    "zero": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "cero": 0, "uno": 1, "una": 1, "dos": 2,
    "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "nada": 0, "ninguno": 0, "ninguna": 0,
    # the misspellings Spanish speakers' phones let through most (s/c/z, b/v)
    "sero": 0, "sinco": 5, "dies": 10, "sies": 6, "nuebe": 9,
}
# Number words so common in other senses that they count only in a score's place:
# alone, or with "a"/"un", "out of ten", "de diez", "pain …".
WEAK_NUMBER_WORDS = frozenset({"one", "uno", "una", "none", "nada", "ninguno", "ninguna",
                               "zero", "cero", "two", "dos", "dies", "sies"})
NO_PAIN = {
    "en": ["no pain", "pain free", "painfree", "zero pain", "pain is gone", "no more pain",
           "doesnt hurt", "does not hurt", "not hurting", "no pain at all", "dont hurt",
           "pain gone", "pain went away", "nothing hurts", "not in pain", "no hurt",
           "nothing at all"],
    "es": ["sin dolor", "no me duele", "ya no me duele", "nada de dolor", "no duele",
           "ningun dolor", "ya no duele", "no tengo dolor", "no siento dolor", "cero dolor",
           "ya no hay dolor", "se me quito el dolor", "no me duele nada", "no hay dolor"],
}
NO_PAIN_EXCLUSIONS = ["no pain meds", "no pain medicine", "no pain medication",
                      "no pain pills", "no pain killers", "no painkillers", "no pain reliever",
                      "sin dolor de cabeza", "no pain med", "no pain relievers"]

YES = frozenset({"yes", "yeah", "yep", "yup", "y", "si", "claro", "ok si", "yes please",
                 "correct", "sure", "affirmative", "simon", "sip", "aja"})
NO = frozenset({"no", "nope", "nah", "n", "negative", "no thanks", "nel"})

# A message that is only thanks, greetings or emoji asks nothing and says nothing.
PLEASANTRIES = frozenset({
    "thanks", "thank", "you", "thx", "ty", "thank you", "ok", "okay", "k", "kk", "great",
    "good", "cool", "hi", "hello", "hey", "gracias", "muchas", "ok gracias", "bendiciones",
    "dios", "lo", "bendiga", "saludos", "hola", "buenos", "dias", "buenas", "tardes",
    "noches", "lol", "jaja", "haha", "amen", "sure", "will", "do", "noted", "got", "it",
    "a", "lot", "so", "much", "very", "de", "nada", "igualmente", "perfect", "awesome",
})

# Words that say a sentence is about the weather, not the body: "hot as heck today".
WEATHER = frozenset({"weather", "outside", "sun", "sunny", "summer", "degrees", "humid",
                     "heatwave", "ac", "aircon", "clima", "afuera", "sol", "verano", "grados",
                     "calor", "phoenix", "texas", "arizona", "florida", "temperatures"})

# Words that mark a number as something other than a pain score.
UNIT_WORDS = {
    "temperature": frozenset({"f", "c", "degrees", "degree", "deg", "grados", "grado",
                              "fahrenheit", "celsius", "centigrados", "°", "°f", "°c", "º"}),
    "dose": frozenset({"mg", "mgs", "milligrams", "mcg", "ml", "cc", "g", "gram", "grams",
                       "pill", "pills", "tablet", "tablets", "tabs", "tab", "capsule",
                       "capsules", "caps", "dose", "doses", "advil", "tylenol", "ibuprofen",
                       "aleve", "motrin", "aspirin", "aspirins", "tylenols", "advils",
                       "pastilla", "pastillas", "tableta", "tabletas", "capsula", "capsulas",
                       "dosis", "pastillita", "pastillitas", "units", "unidades",
                       "extra", "strength", "norco", "norcos", "percocet", "tramadol",
                       "gabapentin", "miligramos", "gotas", "drops"}),
    "time": frozenset({"am", "pm", "oclock", "hours", "hour", "hrs", "hr", "h", "minutes",
                       "minute", "mins", "min", "days", "day", "weeks", "week", "wks",
                       "months", "month", "years", "yrs", "horas", "hora", "minutos",
                       "minuto", "dias", "dia", "semanas", "semana", "meses", "mes", "anos",
                       "ano", "nights", "night", "noches", "noche", "mornings", "times",
                       "veces", "vez", "ago", "later", "tomorrow", "yesterday", "pasadas",
                       "de la manana", "de la tarde", "de la noche", "a.m", "p.m"}),
    "age": frozenset({"years old", "yo", "yrs old", "year old", "anos de edad", "de edad",
                      "cumplidos"}),
    "count": frozenset({"steps", "step", "blocks", "block", "miles", "mile", "laps", "lap",
                        "flights", "stairs", "floors", "pounds", "lbs", "lb", "kids", "packs",
                        "pack", "bags", "bag", "people", "pasos", "cuadras", "millas",
                        "vueltas", "escalones", "libras", "kilos", "kg", "bolsas", "veces",
                        "cups", "glasses", "vasos", "tazas", "puntos", "points", "point",
                        "x", "ice", "hielos"}),
    "percent": frozenset({"%", "percent", "pct", "por ciento", "porciento", "per cent"}),
}
# Words just before a number that mark it as something other than a score.
BEFORE = {
    "time": frozenset({"at", "since", "until", "till", "by", "las", "desde", "hace", "hasta",
                       "day", "dia", "week", "semana", "night", "noche", "past", "after",
                       "every", "cada", "each", "durante", "during", "within", "on", "el"}),
    "glucose": frozenset({"sugar", "sugars", "glucose", "bs", "bg", "azucar", "glucosa",
                          "glucometro", "glucometer", "sugar's"}),
    "temperature": frozenset({"temp", "temperature", "fever", "temperatura", "fiebre",
                              "calentura", "thermometer", "termometro", "temps", "febre",
                              "running", "reading", "read", "hit", "spiked", "spike",
                              "registered", "marca", "marco", "marcaba"}),
    "age": frozenset({"age", "aged", "edad", "im", "i'm", "am", "soy", "turned", "turning",
                      "cumpli", "cumplo", "years", "tengo"}),
    "dose": frozenset({"took", "take", "taking", "tome", "tomo", "tomando", "tomar", "popped",
                       "had", "x", "mg", "dose"}),
    "other": frozenset({"room", "floor", "appt", "appointment", "cita", "number", "numero",
                        "page", "step", "part", "version", "flight", "bus", "route", "exit",
                        "suite", "apt", "unit", "#", "no", "ext", "extension", "card", "id",
                        "member"}),
}
# Words that mark a number as a pain score (or a clear answer of one).
SCORE_WORDS = frozenset({
    "pain", "score", "level", "rate", "rating", "about", "around", "like", "maybe", "is", "its",
    "a", "an", "say", "at", "now", "currently", "today", "dolor", "nivel", "como", "un",
    "una", "es", "esta", "en", "ahorita", "ahora", "hoy", "seria", "diria", "digamos",
    "it", "pain's", "solid", "strong", "hurts", "duele", "tengo", "approx",
})
# Words that date a score: "was 8", "8 before the shot", "era un 8", "antes 8".
PAST = frozenset({"was", "were", "before", "yesterday", "earlier", "last", "previously",
                  "used", "from", "had", "then", "era", "antes", "ayer", "estaba", "tenia",
                  "started", "initially", "originally", "anoche", "fue", "prior", "pre",
                  "preshot", "baseline", "went"})
PAST_AFTER = frozenset({"before", "yesterday", "earlier", "previously", "antes", "ayer", "prior",
                        "initially", "originally", "pre", "preshot"})
CURRENT = frozenset({"now", "today", "currently", "ahora", "hoy", "ahorita", "tonight",
                     "present", "presently", "actualmente"})
SCALE = frozenset({"10", "ten", "diez"})
SCALE_LINKS = frozenset({"/", "out", "of", "de", "sobre", "outta", "over", "en"})
RANGE_LINKS = frozenset({"-", "–", "—", "to", "or", "o", "y", "and", "a", "/", "u", "~",
                         "between", "entre", "maybe", "tal"})
# A sentence with a question mark is a question for the clinic when one of its first words
# asks ("is it normal…?", "¿puedo…?"); without one it is a hedged answer ("maybe a 5?").
QUESTION_WORDS = frozenset({
    "what", "when", "how", "why", "who", "where", "which", "can", "could", "should", "would",
    "will", "is", "are", "am", "do", "does", "did", "may", "any", "anything", "whats", "hows",
    "isnt", "shouldnt", "cant", "wont", "que", "como", "cuando", "donde", "porque", "quien",
    "cual", "cuanto", "cuantos", "cuanta", "puedo", "debo", "puede", "pueden", "hay", "es",
    "sera", "tengo", "necesito", "van", "vamos", "deberia", "podria", "sigue", "esta",
})
# Words that ask wherever they stand in a sentence with a question mark; accented Spanish
# interrogatives ask even when the patient typed their accents ("¿a quién le hablo…?").
INTERROGATIVES = frozenset({"what", "when", "how", "why", "who", "where", "which", "whom",
                            "qué", "cómo", "cuándo", "dónde", "quién", "cuál", "cuánto",
                            "quien", "donde", "cual", "cuanto", "verdad", "right", "ok",
                            "okay", "normal", "hago", "debo", "puedo"})
# Pairs that ask anywhere in a sentence with a question mark ("if I stop, is that bad?").
ASKING_PAIRS = ("is that", "is it", "is this", "does that", "does it", "should i", "can i",
                "do i", "will it", "will i", "am i", "would it", "could it", "es eso",
                "esta bien", "es malo", "es bueno", "debo", "puedo")
# Phrases that ask wherever they stand, question mark or not.
QUESTION_PHRASES = ("wondering how", "wondering if", "wondering when", "wondering what",
                    "want to know", "wanted to know", "need to know", "let me know if",
                    "quiero saber", "solo saber", "nomas saber", "queria saber",
                    "me pueden decir", "me puede decir", "how many more", "cuantos mensajes",
                    "cuantos faltan")
# Openings that ask even without a question mark.
QUESTION_OPENINGS = (
    "can i", "could i", "should i", "is it ok", "is it okay", "is it normal", "is this normal",
    "is that normal", "when can i", "when should i", "how long", "how much", "how many",
    "what should i", "what do i", "what can i", "do i need", "am i supposed", "may i",
    "is it safe", "i have a question", "quick question", "question about", "wondering if",
    "i was wondering", "do you know", "puedo", "debo", "es normal", "se puede", "me pueden",
    "cuanto tiempo", "cuando puedo", "que hago", "que debo", "una pregunta", "tengo una pregunta",
    "le puedo", "hasta cuando", "a que hora", "es bueno", "esta bien si", "hay algun",
)
