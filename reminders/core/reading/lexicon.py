"""The reader's own words, English and Spanish: cues, answers, requests and number words.

Symptom terms are not here: they belong to the clinic and live in the protocol file
(`symptoms:` in schedules.yaml). Everything here is about language, not medicine. Phrases
are written folded (lower case, no accents, no apostrophes); the matcher also accepts their
inflected forms and, for words of five letters or more, small typos.
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

# Keywords: the whole message (give or take "please", punctuation and emoji).
STOP_KEYWORDS = frozenset({
    "stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt out",
    "stop all", "stop it", "stop now", "stop texting", "stop messaging", "unsub",
    "cancelar", "cancela", "cancelen", "parar", "paren", "para ya", "baja", "darme de baja",
    "dar de baja", "basta", "basta ya", "alto", "detener", "deten", "detengan", "fin", "para",
    "parenle", "ya parenle", "ya basta",
    "terminar", "salir",
})
START_KEYWORDS = frozenset({"start", "unstop", "resume", "restart", "iniciar", "empezar",
                            "reanudar", "comenzar", "start again", "opt in", "optin"})
HELP_KEYWORDS = frozenset({"help", "info", "ayuda", "informacion", "help me", "ayudame"})
POLITE = frozenset({"please", "pls", "plz", "thanks", "thank", "you", "thx", "ty", "por",
                    "favor", "porfa", "porfavor", "gracias", "now", "ya", "ok", "okay", "just",
                    "already", "asap", "immediately", "right", "away", "ahora", "mismo",
                    "again", "me", "all"})

# Requests in plain words, about the texts themselves.
REQUESTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "opt_out": [
            "stop texting", "stop sending", "stop messaging", "stop the texts", "stop texts",
            "stop these texts", "stop the messages", "stop messages", "stop these messages",
            "stop contacting", "stop the reminders", "stop reminders", "stop these",
            "stop this", "stop the sms", "stop them", "no more texts", "no more messages",
            "no more reminders", "no more text", "dont text", "do not text", "dont message",
            "do not message", "dont send", "do not send", "dont contact", "do not contact",
            "unsubscribe", "opt out", "opt me out", "take me off", "remove me",
            "remove my number", "delete my number", "delete me", "cancel the texts",
            "cancel texts", "cancel these texts", "cancel the messages", "cancel messages",
            "cancel my subscription", "cancel the reminders", "dont want these texts",
            "dont want the texts", "dont want texts", "dont want any more", "dont want these",
            "dont want messages", "dont want the messages", "do not want these",
            "dont need these texts", "dont need the texts", "dont need texts",
            "dont need these messages", "leave me alone", "quit texting", "quit sending",
            "quit messaging", "end the texts", "end these texts", "end texts",
            "done with these texts", "done with the texts", "done with texts",
            "all done with these", "done with these", "no need to text", "no need to send",
            "no need to message", "no need to contact", "how do i turn", "turn these off",
            "no need to keep texting", "no need to keep messaging", "no need to keep sending",
            "dont need to keep texting", "you dont need to text", "you can stop texting",
            "you can stop checking", "you can stop sending", "can stop checking on me",
            "stopped texting me please", "please stopped texting", "please stopped sending",
            "make these stop", "make them stop coming", "make the texts stop", "stop coming",
            "dont need them anymore", "dont need these anymore", "dont need them any more",
            "be removed from", "to be removed", "removed from the text", "remove her from",
            "remove him from", "take her off", "take him off", "cancel everything", "cancel all",
            "turn them off", "turn it off",
            "unenroll", "unenroll me", "want out", "no longer want", "no longer wish",
            "off your list", "off this list", "off the list", "off your texting",
            "stop the text", "can stop the texts", "stop all texts", "stop all messages",
            "no more", "stop sending me", "no texts", "no messages", "stop please",
            "desubscribe", "unsubscribe me", "unsub", "stop all notifications",
        ],
        "call": [
            "call me", "give me a call", "please call", "can someone call", "can you call",
            "could you call", "have someone call", "need a call", "need someone to call",
            "want to talk to", "talk to a nurse", "speak to a nurse", "talk to someone",
            "speak with someone", "call back", "call me back",
        ],
        "opt_in": [
            "start again", "start texting", "start the texts", "resume texts", "resume the texts",
            "resume messages", "send the texts again", "texts again", "opt back in",
            "opt me back in", "sign me back up", "start sending", "want the texts back",
            "turn the texts back on", "resubscribe",
        ],
    },
    "es": {
        "opt_out": [
            "darme de baja", "dar de baja", "de baja", "dejen de mandar", "dejen de enviar",
            "deja de mandar", "deja de enviar", "dejar de recibir", "no me manden",
            "no me envien", "no manden", "no envien", "no mas mensajes", "no mas textos",
            "no mas mensajitos", "ya no quiero mensajes", "ya no quiero recibir",
            "no quiero recibir", "no quiero mas mensajes", "no quiero mensajes",
            "no quiero los mensajes", "no quiero estos mensajes", "no quiero recibirlos",
            "quitenme", "quitarme", "quitame", "sacarme de la lista", "saquenme", "sacame",
            "borren mi numero", "borrar mi numero", "eliminar mi numero", "eliminen mi numero",
            "cancelar los mensajes", "cancelar mensajes", "cancelen los mensajes",
            "cancelar los textos", "parar los mensajes", "paren los mensajes",
            "detener los mensajes", "detengan los mensajes", "ya no me escriban",
            "no me escriban", "no me escriban mas", "ya no me manden", "no mas",
            "ya no quiero", "suspender los mensajes", "paren de mandar", "paren de enviar",
            "dejen de escribir", "dejen de escribirme", "dejen de mandarme",
            "no los necesito", "ya no los necesito", "ya no necesito los mensajes",
            "ya no necesito mensajes", "desuscribir", "desuscribirme", "desuscribanme",
            "no quiero que me sigan", "no me sigan escribiendo", "no me sigan mandando",
            "no me sigan enviando", "ya no me interesa", "no me interesa recibir",
            "borrenme", "borrarme", "borrame", "dejar de mandarme", "dejar de mandar",
            "dejar de enviarme", "dejar de escribirme", "no hace falta que me escriban",
            "no hace falta que me manden", "ya no es necesario que me", "no es necesario que me",
            "me aburrieron con", "ya me aburrieron", "como los quito", "como quito los",
            "no hace falta que sigan", "ya pueden parar", "parenle con", "ya parenle con",
            "bajenle con los", "paren de escribirme", "paren de escribir", "dejen de escribir",
            "no me incluyan", "ya no me incluyan", "ya esta bueno de", "ya estuvo bueno de",
            "ya no me lleguen", "no me lleguen", "no los quiero", "ya no le escriban",
            "no le escriban", "ya no le manden", "no le manden", "cancelen todo", "cancelar todo",
            "alto a los", "sacarla de la lista", "sacarlo de la lista",
            "desinscribirme", "basta de mensajes", "basta de textos", "ya no me envien",
            "no me envien nada", "no me manden nada",
        ],
        "call": [
            "llamenme", "llameme", "me pueden llamar", "me puede llamar", "me llaman",
            "me llamen", "hablenme", "llamame", "quiero hablar con", "hablar con la enfermera",
            "hablar con alguien", "que me llamen", "me regresan la llamada",
        ],
        "opt_in": [
            "volver a recibir", "quiero recibir", "vuelvan a mandar", "vuelvan a enviar",
            "reanudar", "otra vez los mensajes", "quiero los mensajes", "sigan mandando",
            "sigan enviando",
        ],
    },
}
# Requests built from a verb and a word for the texts, so every pairing is covered:
# "stop the msgs", "enough with the texts", "basta de mensajes", "ya estuvo con los textos".
_TEXT_NOUNS = {
    "en": ("texts", "text messages", "messages", "msgs", "msg", "txts", "txt", "reminders",
           "sms", "notifications", "alerts", "text", "message"),
    "es": ("mensajes", "textos", "mensajitos", "recordatorios", "msjs", "sms", "mensaje",
           "notificaciones"),
}
_TEXT_VERBS = {
    "en": ("stop", "stop the", "stop these", "stop all", "stop all the", "no more", "cancel",
           "cancel the", "cancel these", "end the", "end these", "quit the", "enough with the",
           "enough", "enough of the", "done with the", "done with these", "turn off the",
           "turn off", "turn off these", "dont want the", "dont want these", "dont want any more",
           "dont want any", "dont need the", "dont need these", "dont need any more",
           "no need for", "no need for the", "unsubscribe from", "remove me from the",
           "tired of the", "tired of these", "sick of the", "sick of these", "stop sending",
           "stop sending the", "stop sending me", "please stop the", "no more of these"),
    "es": ("no mas", "basta de", "basta con los", "ya no quiero", "no quiero", "no quiero mas",
           "ya no quiero mas", "dejen de mandar", "dejen de mandarme", "dejen de enviarme",
           "paren los", "paren de mandar", "cancelar los", "cancelen los", "suspender los",
           "suspendan los", "ya estuvo con los", "ya estuvo de", "ya no me manden",
           "ya no envien", "quitar los", "quiten los", "detener los", "harta de los",
           "harto de los", "cansada de los", "cansado de los", "ya no quiero recibir",
           "ya no necesito los", "ya no necesito", "no me manden", "no me manden mas",
           "apaguen los", "parenle con los", "ya parenle con los", "ya paren los",
           "desactiven los", "desactivar los", "desactiva los", "cancel los", "stop los"),
}
for _lang, _verbs in _TEXT_VERBS.items():
    REQUESTS[_lang]["opt_out"] += [f"{v} {n}" for v in _verbs for n in _TEXT_NOUNS[_lang]]

# More plain-word requests to stop, as patients word them (polite, annoyed, indirect).
REQUESTS["en"]["opt_out"] += [
    "no longer need these updates", "no longer need updates", "no longer need these",
    "no longer need the texts", "please discontinue", "discontinue these", "discontinue the texts",
    "discontinue the messages", "discontinue the service", "stop the updates", "stop updates",
    "no more updates", "dont need updates", "dont need the updates", "stop the check ins",
    "no more check ins", "dont need check ins", "stop checking in", "stop checking on me",
    "no need to check on me", "no need to check in", "stop spamming", "stop the spam",
    "no more spam", "stop bothering me", "quit bugging me", "leave me be", "take my number off",
    "take this number off", "remove this number", "lose my number", "forget my number",
    "erase my number", "delete my info", "remove my phone number", "delete my phone number",
    "end my subscription", "end subscription", "cancel subscription", "stopall", "optout",
    "un subscribe", "no further texts", "no further messages", "no further contact",
    "dont wish to receive", "do not wish to receive", "prefer not to receive", "rather not receive",
    "not interested in receiving", "didnt sign up for this", "never signed up",
    "withdraw my consent", "revoke consent", "take me out of the program", "quit the program",
    "leave the program", "cancel this service", "cancel the service", "stop the service",
    "please cease", "cease texting", "cease contact", "cease and desist", "stop harassing me",
    "dont want to be contacted", "do not want to be contacted", "do not wish to be contacted",
    "dont want to receive", "stop receiving", "stop getting these", "stop getting the texts",
    "stop getting texts", "stop getting messages", "unregister", "deregister", "disenroll",
    "cancel enrollment", "cancel my enrollment", "stop the follow ups", "no more follow ups",
    "you can stop now", "stop notifs", "no more notifs", "stop the pings", "no more pings",
    "stop the surveys", "no more surveys", "stop msging", "stop the automated", "no more automated",
]
REQUESTS["es"]["opt_out"] += [
    "no me contacten", "dejen de contactarme", "no me molesten", "dejen de molestar",
    "dejen de molestarme", "no me sigan molestando", "no me esten molestando",
    "cancelar la suscripcion", "cancelar mi suscripcion", "cancelen la suscripcion",
    "anular la suscripcion", "cancelar suscripcion", "no deseo recibir", "ya no deseo recibir",
    "no deseo seguir recibiendo", "no quiero seguir recibiendo", "suspender el servicio",
    "cancelar el servicio", "cancelen el servicio", "sacarme del programa",
    "retirarme del programa", "salirme de la lista", "retirar mi consentimiento",
    "me tienen harta con", "me tienen harto con", "ya me cansaron con", "no me texteen",
    "dejen de textearme", "paren de textear", "stop los mensajes", "no me mensajeen",
    "dejen de mensajearme", "olvidense de mi numero", "pierdan mi numero", "quiten mi numero",
    "saquen mi numero", "borren mis datos", "borrar mis datos", "eliminar mis datos", "eliminenme",
    "elimineme", "no quiero que me escriban", "no quiero que me manden", "no quiero que me envien",
    "no quiero que me contacten", "no quiero que me lleguen", "no necesito mas mensajes",
    "no necesito los mensajes", "no necesito estos mensajes", "no quiero estar en la lista",
    "desafiliarme", "corten los mensajes", "cortar los mensajes", "anulen los mensajes",
    "no me vuelvan a escribir", "no me vuelvan a mandar", "no me vuelvan a contactar",
    "no vuelvan a escribirme", "no quiero ser contactada", "no quiero ser contactado",
    "alto por favor",
]

# The texts themselves, and the wishes and verbs that ask for them to end (requests.py).
TEXT_NOUNS = frozenset({w for nouns in _TEXT_NOUNS.values() for n in nouns for w in n.split()}
                       | {"texting", "updates", "checkins"})
NOT_WANTING = frozenset({
    "dont want", "do not want", "dont wish", "do not wish", "no longer want", "no longer wish",
    "prefer not", "would rather not", "rather not", "dont need", "do not need",
    "no longer need", "not interested in", "no quiero", "ya no quiero", "no deseo",
    "ya no deseo", "no necesito", "ya no necesito", "no me interesan", "ya no me interesan",
    "not to be contacted", "no longer be contacted", "cant deal with", "cant stand",
    "cant take", "fed up with", "sick and tired of", "harta de", "harto de", "ya no aguanto",
    "no aguanto",
})
ENDING_VERBS = frozenset({"stop", "cease", "seize", "end", "quit", "discontinue", "parar",
                          "terminar", "acabar"})
# Words between a wish and the texts that turn it round: "don't want to miss a text".
TURNING_WORDS = frozenset({"miss", "lose", "stop", "end", "quit", "perder", "dejen", "dejar",
                           "paren", "parar", "without", "sin", "forget", "olvidar", "but",
                           "pero", "keep", "seguir", "sigan", "continue", "continuar"})

for _kinds in REQUESTS.values():
    for _kind, _phrases in _kinds.items():
        _kinds[_kind] = list(dict.fromkeys(_phrases))  # the generated pairs repeat some

# Phrases that look like requests and are not: the patient stopping their own replies.
REQUEST_EXCLUSIONS = ["other text", "other texts", "other messages", "otros mensajes",
                      "stop texting back", "stop replying", "stop answering", "ill stop texting",
                      "i will stop texting", "i stopped texting", "stop responding",
                      "call me if", "call me when", "dejo de contestar", "voy a dejar de"]
# Words that make "no more" and "ya no quiero" requests about the texts, not the pain.
TEXT_WORDS = TEXT_NOUNS | {
    "messaging", "reminder", "texto", "these", "them", "this", "list", "number", "contact",
    "estos", "esto", "lista", "numero", "recibir", "recibirlos", "los", "mandar", "enviar",
}

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
