"""The context cues of English and Spanish (ConText): the words that negate, resolve,
hedge or make hypothetical what follows or precedes them, whose body a finding is, and
where a cue's scope ends.

Phrases are written folded (lower case, no accents, no apostrophes); the matcher also
accepts their inflected forms and, for words of five letters or more, small typos.
Symptom terms are not here: they belong to the clinic (`symptoms:` in schedules.yaml).
"""

from __future__ import annotations

from enum import StrEnum


class Cue(StrEnum):
    """What a context cue says about the findings in its scope (ConText categories)."""

    NEGATED = "negated"  # "no fever", "not swollen", "sin fiebre", "no tengo … ni …"
    RESOLVED = "resolved"  # "not … anymore", "no longer", "gone", "ya no", "se quitó"
    HYPOTHETICAL = "hypothetical"  # "what if", "in case", "qué hago si"
    OTHER_PERSON = "other_person"  # "my husband has …", "mi hijo tiene …"
    POSSIBLE = "possible"  # "maybe", "I think", "not sure if": the safe side, as present
    TERMINATE = "terminate"  # "but", "pero", "still": ends every cue's scope


FORWARD, BACKWARD = "forward", "backward"

_OTHERS = ("husband", "wife", "son", "daughter", "mom", "mother", "dad", "father", "kid",
           "kids", "child", "children", "grandson", "granddaughter", "grandkid", "grandkids",
           "brother", "sister", "friend", "neighbor", "neighbour", "partner", "boyfriend",
           "girlfriend", "roommate", "dog", "cat", "baby", "grandma", "grandpa", "aunt", "uncle",
           "coworker", "boss", "family", "spouse", "hubby", "wifey", "grandbaby", "nephew",
           "niece", "cousin", "mum")

# (phrase, cue, direction). Longest phrases win, so "not sure" is a POSSIBLE cue and its
# "not" never negates; "no longer" is RESOLVED, not NEGATED.
CUES: dict[str, list[tuple[str, Cue, str]]] = {
    "en": [
        *((p, Cue.NEGATED, FORWARD) for p in (
            "no", "not", "nor", "never", "without", "dont", "doesnt", "didnt", "isnt", "arent",
            "wasnt", "werent", "havent", "hasnt", "hadnt", "aint", "cant", "cannot", "wont",
            "no sign of", "no signs of", "not any", "free of", "negative for", "denies", "deny",
            "nothing",
            "none of", "zero", "nothing like", "neither", "dont have", "dont see", "dont feel",
            "didnt get", "havent had", "havent noticed", "didnt notice", "no real",
            "dont think", "do not", "does not", "did not", "is not", "are not", "has not",
            "have not", "was not", "nope", "nah", "hardly", "without any", "never had",
        )),
        *((p, Cue.NEGATED, BACKWARD) for p in (
            "no", "none", "free", "nope", "negative", "not really", "not at all", "nothing",
            "zero", "na", "i dont have one", "dont have one", "dont have any", "i dont have it",
            "i dont have that",
        )),
        # "is a fever normal after this? just asking, I'm fine": a question, not a report
        *((p, Cue.HYPOTHETICAL, BACKWARD) for p in (
            "just asking", "just wondering", "just curious", "im fine just", "only asking",
        )),
        *((p, Cue.RESOLVED, FORWARD) for p in (
            "no longer", "no more", "not anymore", "stopped", "got rid of", "gone is",
            "no longer have", "not having", "dont have any more",
        )),
        *((p, Cue.RESOLVED, BACKWARD) for p in (
            "gone", "is gone", "went away", "has gone", "has gone away", "gone away", "stopped",
            "went down", "gone down", "has gone down", "has stopped", "cleared up", "cleared",
            "resolved", "disappeared", "is over", "anymore", "any more", "no more", "subsided",
            "broke", "is down", "back to normal", "faded", "has faded", "already faded",
            # "…, but it's gone": the pronoun points back over the "but"
            "but its gone", "but it is gone", "but its gone now", "but it went away",
            "but it cleared up", "but its fine now", "but thats gone", "and it cleared up",
            "and it went away", "it cleared up", "it went away", "its gone now",
        )),
        *((p, Cue.HYPOTHETICAL, FORWARD) for p in (
            "if", "what if", "in case", "incase", "watch for", "watch out for", "look out for",
            "look for", "signs of", "sign of", "symptoms of", "risk of", "chance of",
            "should i worry about", "worried about getting", "afraid of getting", "could i get",
            "can i get", "is it possible to get", "avoid", "prevent", "how do i know",
            "what happens if", "what do i do if", "what should i do if", "when should i",
            "call if", "unless", "tell me if", "what to do if", "worried i might get",
            "in the event", "call for", "said to call", "paper said", "sheet said",
            "what counts as", "what is considered", "whats considered", "how high",
            "do people", "does anyone", "do most people", "people usually", "is it common",
            "is it usual", "usually get", "asks about", "ask about", "asking about",
            "what temperature", "what temp", "how do i know",
            "instructions say", "instructions said", "told me to call", "told us to call",
            "supposed to call", "what about", "hoping for", "hoped for", "was hoping",
            "i hope", "hope", "wish", "i wish", "expected",
        )),
        *((p, Cue.HYPOTHETICAL, BACKWARD) for p in (
            "side effect", "a side effect", "to look out for", "look out for", "watch for",
            "watch out for", "to watch for", "to worry about later",
        )),
        *((p, Cue.OTHER_PERSON, FORWARD) for p in (
            f"{whose}{who}" for whose in ("my ", "our ") for who in _OTHERS
        )),
        *((f"the {who}", Cue.OTHER_PERSON, FORWARD) for who in (
            "dog", "cat", "kids", "baby", "puppy", "grandkids", "neighbor", "neighbour")),
        *((p, Cue.OTHER_PERSON, FORWARD) for p in ("he has", "she has", "he had", "she had",
                                                    "they have", "he got", "she got", "hes",
                                                    "shes", "he is", "she is", "his", "her",
                                                    "theyre", "they are", "hes the one",
                                                    "shes the one")),
        # possessives: "the dog's leg is swollen", "my husband's knee" (apostrophes fold)
        *((f"{whose}{who}s", Cue.OTHER_PERSON, FORWARD) for whose in ("my ", "the ", "our ", "")
          for who in _OTHERS),
        *((p, Cue.POSSIBLE, FORWARD) for p in (
            "maybe", "might", "may", "possibly", "probably", "i think", "think", "not sure",
            "not sure if", "unsure", "dont know if", "dont know", "idk if", "idk", "kind of",
            "kinda", "sort of", "sorta", "a bit", "a little", "slightly", "seems", "looks like",
            "feels like", "i guess", "could be", "not certain", "little", "not as", "not so",
            "not that", "not too", "not very", "no idea if", "wonder if", "wondering if",
            "is it normal", "is this normal", "is that normal", "should i be worried",
            "not only", "not just", "see if", "check if", "as if", "even if",
            # "can't stop shaking", "won't stop bleeding": the symptom goes on
            "cant stop", "wont stop", "doesnt stop", "keeps", "keep", "kept", "still",
        )),
        *((p, Cue.TERMINATE, FORWARD) for p in (
            "but", "however", "though", "although", "except", "yet", "while",
            "whereas", "apart from", "other than", "besides", "aside from", "and now",
        )),
    ],
    "es": [
        *((p, Cue.NEGATED, FORWARD) for p in (
            "no", "sin", "ni", "nunca", "jamas", "tampoco", "ningun", "ninguna", "ninguno", "cero",
            "nada de", "no tengo", "no hay", "no he tenido", "no tuve", "no veo", "no siento",
            "no noto", "no se ve", "no esta", "no estoy", "no se siente", "no me", "no ha",
            "no creo", "nel", "ni nada de",
        )),
        *((p, Cue.NEGATED, BACKWARD) for p in (
            "no", "nada", "ninguna", "ninguno", "negativo", "cero", "tampoco", "para nada",
        )),
        *((p, Cue.HYPOTHETICAL, BACKWARD) for p in (
            "pregunto nomas", "nomas pregunto", "solo pregunto", "solo es pregunta",
            "pregunto nada mas", "nada mas pregunto",
        )),
        *((p, Cue.RESOLVED, FORWARD) for p in (
            "ya no", "ya no tengo", "ya no hay", "se me quito", "se quito", "se me fue",
            "se fue", "ya se me quito", "ya se quito", "ya paso", "ya se fue", "desaparecio",
            "ya no esta", "ya no me", "ya no siento", "se me bajo", "se le quito", "ya se le quito",
            "se le fue", "ya se le fue", "dejo de", "ya dejo de", "paro de", "ya paro de",
            "se quitaron", "se me quitaron", "ya se quitaron",
            "ya bajo", "se calmo", "ya se calmo",
        )),
        *((p, Cue.RESOLVED, BACKWARD) for p in (
            "se quito", "se me quito", "ya se quito", "ya se me quito", "se fue", "ya se fue",
            "desaparecio", "ya paso", "paso", "ya no", "bajo", "ya bajo", "se bajo", "ya se bajo",
            "se calmo", "ya se calmo", "termino", "ya desaparecio", "se normalizo",
            "pero ya se quito", "pero ya se me quito", "pero ya se fue", "pero ya paso",
            "y ya se quito", "y ya se fue", "ya se le quito", "se le quito",
            "se fueron", "ya se fueron", "se quitaron",
            "ya se quitaron", "desaparecieron", "se bajaron", "se le fue", "se me fueron",
        )),
        *((p, Cue.HYPOTHETICAL, FORWARD) for p in (
            "en caso de", "en caso que", "por si", "por si acaso", "que hago si", "que pasa si",
            "que debo hacer si", "y si", "cuando debo", "senales de", "sintomas de",
            "riesgo de", "evitar", "prevenir", "como se si", "me avisan si", "llamo si",
            "debo llamar si", "si llego a", "si me llega", "si me da", "si me sale",
            "si se pone", "si empiezo", "si me empieza", "si aparece", "si le sale", "si veo",
            "si me sube", "si se hincha", "si sale", "por si me", "si",
            "dijeron que si", "me dijeron que llamara si", "el papel dice", "la hoja dice",
            "llamar si", "llamar por", "efecto secundario", "ojala", "esperaba", "espero que",
            "que se considera", "cuanto es", "a partir de cuanto", "que temperatura",
            "a la gente", "la gente", "es comun", "suele dar", "suelen", "preguntan por",
            "preguntan si",
        )),
        *((p, Cue.OTHER_PERSON, FORWARD) for p in (
            *(f"mi {who}" for who in (
                "esposo", "esposa", "marido", "mujer", "hijo", "hija", "hijos", "hijas", "mama",
                "papa", "madre", "padre", "nieto", "nieta", "nietos", "hermano", "hermana",
                "amigo", "amiga", "vecino", "vecina", "perro", "perrito", "gato", "bebe",
                "abuela", "abuelo", "tia", "tio", "suegra", "suegro", "nuera", "yerno",
                "familia", "pareja", "novio", "novia", "primo", "prima", "compadre", "comadre",
                "senora", "viejo", "vieja",
            )),
            *(f"a mi {who}" for who in ("esposo", "esposa", "hijo", "hija", "mama", "papa",
                                         "nieto", "nieta", "hermano", "hermana", "marido")),
            "el tiene", "ella tiene", "le dio", "le dieron", "le salio", "el perro", "la perra",
            "el gato", "el cipote", "la cipota", "mi cipote", "mi cipota", "el chamaco",
            "la chamaca", "mi chamaco", "el nene", "la nena", "el nino", "la nina", "mi nino",
            "mi nina", "el bebe", "mi bebe", "los ninos", "mis hijos", "mis nietos",
        )),
        *((p, Cue.POSSIBLE, FORWARD) for p in (
            "tal vez", "talvez", "quizas", "quiza", "a lo mejor", "creo que", "creo", "parece",
            "parece que", "como que", "medio", "un poco", "poquito", "un poquito", "algo",
            "no se si", "no estoy seguro", "no estoy segura", "puede ser",
            "no tan", "no tanto", "no muy", "sera que", "es normal", "sera normal", "capaz",
            # "no paro de tiritar", "no deja de sangrar": the symptom goes on
            "no paro de", "no para de", "no deja de", "no dejo de", "no se me quita",
            "no se le quita", "no se quita", "sigue", "sigo", "todavia",
        )),
        *((p, Cue.TERMINATE, FORWARD) for p in (
            "pero", "aunque", "sin embargo", "excepto", "aun", "mientras", "y ahora",
            "solo que", "nomas que",
        )),
    ],
}

# A family member writing for the patient: then "her hip", "mi papá dice que…" are the
# patient's, and only a pet is someone else.
PROXY = (
    "this is her", "this is his", "texting for my", "texting for her", "texting for him",
    "writing for my", "on behalf of", "her daughter here", "her son here", "his wife here",
    "his daughter here", "his son here", "her husband here", "i am her", "i am his", "im her",
    "im his", "for my mother", "for my mom", "for my dad", "for my father", "for my husband",
    "for my wife", "helping my mom", "helping my dad", "helping my mother", "helping my father",
    "habla su hija", "habla su hijo", "habla su esposa", "habla su esposo", "le escribe",
    "les escribe", "soy la hija", "soy el hijo", "soy su hija", "soy su hijo", "soy la nieta",
    "soy el nieto", "soy su nieta", "soy su nieto", "soy la esposa", "soy el esposo",
    "soy su esposa", "soy su esposo", "escribo por mi", "le escribo por", "escribo de parte",
    "de parte de", "en nombre de", "escribo por mi mama", "escribo por mi papa",
    "hija de", "hijo de", "nieta de", "nieto de", "esposa de", "esposo de", "daughter of",
    "son of", "wife of", "husband of", "granddaughter of", "grandson of",
    "telefono de mi", "el telefono de mi", "celular de mi", "my moms phone", "my dads phone",
    "my mothers phone", "my fathers phone", "my husbands phone", "my wifes phone",
    "moms phone", "dads phone",
)
PETS = frozenset({"dog", "dogs", "cat", "cats", "perro", "perrito", "gato", "gatito", "perra",
                  "puppy", "kitty", "pet", "mascota"})

# After a comma, a cue's scope goes on only into a list: "no fever, chills or redness".
LIST_CONTINUATION = frozenset({"or", "and", "nor", "ni", "o", "y", "no", "sin", "any", "u", "e"})
# Words between a cue and a finding that do not count against the cue's reach.
FILLER = frozenset({
    "or", "and", "nor", "any", "a", "an", "the", "of", "much", "real", "really", "at", "all",
    "signs", "sign", "some", "more", "significant", "obvious", "noticeable", "have", "had",
    "has", "feel", "felt", "see", "seen", "notice", "noticed", "get", "got", "it", "its", "is",
    "was", "looks", "look", "feels", "getting", "been", "being", "be", "am", "major", "too",
    "very", "so", "even", "extra", "new", "further", "that", "o", "y", "e", "u", "ni", "de",
    "la", "el", "los", "las", "un", "una", "nada", "mucha", "mucho", "muy", "tengo", "tiene",
    "siento", "veo", "noto", "hay", "esta", "estoy", "se", "me", "le", "con", "ningun",
    "ninguna", "ya", "tan", "ve", "nota", "ha", "he", "tenido", "puso", "pone", "mas", "en",
    "around", "on", "near", "alrededor", "del", "al", "there", "are", "feeling", "algun",
    "alguna", "single", "bit", "little", "lo", "mi", "my", "to", "fue", "sido",
})
# A pronoun or determiner that starts a new statement ends a cue's scope, unless a finding
# follows it at once ("no fever, the site is red" vs "I don't have the chills").
RESTART = frozenset({
    "i", "im", "ive", "id", "my", "it", "its", "the", "this", "that", "there", "theres", "he",
    "she", "they", "we", "yo", "mi", "mis", "la", "el", "esta", "este", "eso", "esto",
    "pero", "tengo", "me", "and", "y", "now", "ahora", "just", "only", "solo", "nomas",
})

# Adjectives such as "red" and "hot" describe a symptom only when they describe the body:
# "red and warm", "hot to the touch", "piel roja", "se puso caliente"; not "red car",
# "hot shower", "agua caliente". English adjectives come before their noun, Spanish ones
# after it: the word on the noun's side decides.
BODY = frozenset({
    "hip", "hips", "skin", "area", "site", "spot", "spots", "patch", "patches", "mark",
    "marks", "streak", "streaks", "line", "lines", "bump", "bumps", "blotch", "blotches",
    "leg", "legs", "thigh", "groin", "butt", "buttock", "bottom", "rash", "welts", "welt",
    "ring", "circle", "lump", "swelling", "bruise", "joint", "injection", "shot", "puncture",
    "wound", "bandage", "bandaid", "band", "cheek", "cheeks", "face", "lips", "eyes", "chest",
    "arm", "arms", "knee", "side", "bit", "dot", "dots", "blister", "blisters",
    "cadera", "piel", "zona", "sitio", "mancha", "manchas", "pierna", "piernas",
    "muslo", "ingle", "nalga", "nalgas", "punto", "piquete", "inyeccion", "herida", "bolita",
    "bolitas", "granitos", "granos", "cara", "labios", "ojos", "pecho", "brazo", "rodilla",
    "lado", "parte", "alrededor", "todo", "toda", "cuerpo", "sangre", "curita", "vendita",
    "venda", "gasa", "orilla",
})
NOT_A_NOUN = frozenset({
    # English words that may follow an adjective without being the thing it describes
    "and", "or", "to", "around", "near", "at", "on", "in", "where", "by", "from", "with",
    "today", "now", "still", "again", "already", "yesterday", "tonight", "this", "too",
    "also", "all", "but", "though", "since", "after", "when", "like", "as", "than",
    "there", "here", "ish", "is", "it", "its", "feeling", "looking", "lately", "anymore",
    "underneath", "under", "over", "inside", "outside", "i", "my", "the", "a", "an", "so",
    "very", "not", "no", "for", "of", "about", "up", "down", "right", "left", "before",
    "sometimes", "only", "just", "even", "then", "hot", "red", "warm", "swollen",
    "tender", "sore", "painful", "puffy", "itchy", "bumpy", "raised", "touch", "pink",
    "purple", "redish", "reddish",
    # Spanish words that may precede an adjective without being the thing it describes
    "esta", "estaba", "se", "siento", "siente", "sentia", "muy", "bien", "un", "una",
    "poco", "poquito", "pone", "puso", "ponia", "ve", "veo", "noto", "nota", "sigue", "sigo",
    "tengo", "tiene", "algo", "medio", "mas", "bastante", "super", "re", "como", "y", "o",
    "ya", "todavia", "aun", "tan", "toda", "todo", "mucho", "quedo", "es", "son", "estan",
    "estoy", "anda", "ando", "hinchado", "hinchada", "rojo", "roja",
    "caliente", "colorado", "colorada", "rojiza", "rojizo", "inflamado", "inflamada", "me",
    "te", "le", "lo", "la", "que", "pero", "ta", "todita",
})
