"""The words of requests about the texts themselves, English and Spanish: the STOP,
START and HELP keywords, plain-word requests (stop, call me, wrong number) and the verbs
and nouns they are built from.

Phrases are written folded (lower case, no accents, no apostrophes); the matcher also
accepts their inflected forms and, for words of five letters or more, small typos.
Symptom terms are not here: they belong to the clinic (`symptoms:` in schedules.yaml).
"""

from __future__ import annotations

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
