import copy

import pytest

from reminders.core.protocol_loader import ProtocolError, load_protocols
from reminders.core.segments import count_segments

STEP_IDS = ["welcome", "pain-check", "resume-pain-medicine", "glucose-day1", "ice-day2",
            "ice-day3", "relief-check-day3", "relief-check-day5", "activity-day7",
            "pt-reminder", "day10-check", "activity-day14"]


def test_the_shipped_file_has_the_stable_step_ids_and_no_warnings(protocols, hip):
    assert [s.id for s in hip.steps] == STEP_IDS
    assert protocols.warnings == ()


def test_every_shipped_text_is_within_its_budget_in_both_languages(hip, settings):
    context = {**settings.placeholders, "first_name": "Maximiliana"}
    templates = [s.template for s in hip.steps] + [hip.intro, *hip.answers.values()]
    for template in templates:
        for lang in ("en", "es"):
            used, text = template.render(lang, context)
            assert used == lang
            assert count_segments(text).segments <= template.budget(lang), text


def test_the_first_text_names_the_clinic_and_says_stop_and_help(hip):
    welcome = hip.step("welcome")
    assert welcome.introduces
    for text in list(welcome.template.texts.values()) + list(hip.intro.texts.values()):
        assert "{clinic_name}" in text and "STOP" in text and "HELP" in text


def _errors(data, settings) -> list[str]:
    with pytest.raises(ProtocolError) as info:
        load_protocols(data, settings.placeholders)
    return info.value.errors


def _broken(schedules_data, mutate):
    data = copy.deepcopy(schedules_data)
    mutate(data["protocols"]["hip-joint-injection"])
    return data


P = "protocols.hip-joint-injection"


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda p: p["steps"][3]["at"].update(time="25:00"),
     f"{P}.steps[3].at.time: '25:00' is not a time"),
    (lambda p: p["steps"][1].update(expires="2 hours"),
     f"{P}.steps[1].expires: '2 hours' is not a duration"),
    (lambda p: p["steps"][2].update(colour="blue"),
     f"{P}.steps[2].colour: unknown key"),
    (lambda p: p["steps"][3].update(when={"smoker": True}),
     f"{P}.steps[3].when.smoker: unknown condition"),
    (lambda p: p["steps"][4]["text"].pop("en"),
     f"{P}.steps[4].text.en: English text is required"),
    (lambda p: p["steps"][5]["text"].update(en="Hi {last_name}"),
     f"{P}.steps[5].text.en: unknown placeholder {{last_name}}"),
    (lambda p: p["steps"][5]["text"].update(en="x" * 200),
     f"{P}.steps[5].text.en: 2 segments (GSM-7, 200 units) exceeds the budget of 1"),
    (lambda p: p["steps"][6]["at"].update(time="07:00"),
     f"{P}.steps[6].at.time: '07:00' is outside the quiet-hours window 09:00–20:00"),
    (lambda p: p.update(quiet_hours={"start": "07:00", "end": "20:00"}),
     f"{P}.quiet_hours: window 07:00–20:00 must lie inside 08:00–21:00"),
    (lambda p: p["steps"][7].update(expects={"reply": "essay", "window": "1d"}),
     f"{P}.steps[7].expects.reply: 'essay' is not one of"),
    (lambda p: p["steps"][8].update(id="ice-day2"),
     f"{P}.steps[8].id: duplicate step id 'ice-day2'"),
    (lambda p: p["steps"][0]["text"].update(en="Hi {first_name}"),
     f"{P}.steps[0].text.en: a first text must name the clinic and say STOP and HELP"),
    (lambda p: p["steps"][9]["at"].update(after="2h"),
     f"{P}.steps[9].at: give either `after: <duration>` or `day: N` with `time: HH:MM`"),
    (lambda p: p["steps"][2].update(at={}),
     f"{P}.steps[2].at: give either `after: <duration>` or `day: N` with `time: HH:MM`"),
    (lambda p: p["steps"][1]["text"].update(en="Pain {first_name!r}"),
     f"{P}.steps[1].text.en: unknown placeholder"),
    # symptom concepts
    (lambda p: p["symptoms"]["fever"].update(colour="red"),
     f"{P}.symptoms.fever.colour: unknown key"),
    (lambda p: p["symptoms"]["fever"]["terms"].update(en=[]),
     f"{P}.symptoms.fever.terms.en: must be a non-empty list of words or phrases"),
    (lambda p: p["symptoms"]["fever"].update(terms={}),
     f"{P}.symptoms.fever.terms: must list terms for at least one language"),
    (lambda p: p["symptoms"]["chills"]["terms"]["en"].append("Fever"),
     f"{P}.symptoms.chills.terms.en: 'Fever' is already a term of 'fever'"),
    (lambda p: p["symptoms"]["fever"]["terms"].update(fr=["fièvre"]),
     f"{P}.symptoms.fever.terms.fr: unknown key"),
    (lambda p: p["symptoms"]["fall"].update(expected_at=["day-99"]),
     f"{P}.symptoms.fall.expected_at: must be a list of this protocol's step ids"),
    (lambda p: p["symptoms"]["fever"].update(priority="normal"),
     f"{P}.symptoms.fever.priority: a red flag is always urgent"),
    (lambda p: p["symptoms"]["fall"].update(assertions=["denied"]),
     f"{P}.symptoms.fall.assertions: must be a list of"),
    (lambda p: p["fever_temperature"].update(fahrenheit=120),
     f"{P}.fever_temperature.fahrenheit: 120 is not a temperature from 99 to 106"),
    (lambda p: p["fever_temperature"].update(symptom="pyrexia"),
     f"{P}.fever_temperature.symptom: 'pyrexia' is not one of this protocol's symptoms"),
    (lambda p: p.pop("symptoms"),
     f"{P}.symptoms: must map each symptom concept to its terms"),
    # the answer sent when a reply cannot be read at once
    (lambda p: p["answers"].pop("fallback"),
     f"{P}.answers.fallback: is required"),
    (lambda p: p["answers"]["fallback"]["text"].pop("en"),
     f"{P}.answers.fallback.text.en: English text is required"),
    (lambda p: p["answers"]["fallback"]["text"].update(es="{diagnosis}"),
     f"{P}.answers.fallback.text.es: unknown placeholder {{diagnosis}}"),
    (lambda p: p["answers"]["fallback"]["text"].update(es="Hola {first_name}"),
     f"{P}.answers.fallback.text.es: cannot use {{first_name}}"),
])
def test_each_kind_of_mistake_gives_one_message_naming_its_path(schedules_data, settings,
                                                                 mutate, expected):
    errors = _errors(_broken(schedules_data, mutate), settings)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors


def test_all_mistakes_are_reported_in_one_pass(schedules_data, settings):
    def several(p):
        p["steps"][3]["at"]["time"] = "25:00"
        p["steps"][5]["text"]["en"] = "{surname}"
        p["steps"][2]["colour"] = "blue"
    assert len(_errors(_broken(schedules_data, several), settings)) == 3


def test_a_missing_spanish_text_is_a_warning_and_falls_back_to_english(schedules_data, settings):
    data = _broken(schedules_data, lambda p: p["steps"][5]["text"].pop("es"))
    protocols = load_protocols(data, settings.placeholders)
    assert protocols.warnings == (f"{P}.steps[5].text.es: missing; English is sent instead",)
    template = protocols.get("hip-joint-injection").steps[5].template
    assert template.render("es", {**settings.placeholders, "first_name": "Ana"})[0] == "en"


def test_a_long_clinic_name_that_breaks_a_budget_fails_the_check(schedules_data, settings):
    errors = _errors(schedules_data, type(settings)(clinic_name="Example Pain Clinic " * 4))
    assert any("exceeds the budget" in e for e in errors)


def test_a_file_that_is_not_a_mapping_is_an_error(settings):
    with pytest.raises(ProtocolError, match=r"\(file\): must be a mapping"):
        load_protocols(["not", "a", "mapping"], settings.placeholders)


def test_a_clinic_adds_a_term_and_replies_are_read_with_it(schedules_data, settings):
    from reminders.core.reading.parser import parse_reply

    data = _broken(schedules_data, lambda p: p["symptoms"]["fever"]["terms"]["en"].append(
        "feeling toasty"))
    hip = load_protocols(data, settings.placeholders).get("hip-joint-injection")
    assert parse_reply("feeling toasty today", hip.vocabulary).symptoms == ["fever"]


def test_a_snapshot_from_before_symptom_concepts_still_loads(schedules_data):
    from reminders.core.reading.parser import parse_reply
    from reminders.protocol_files import protocol_from_snapshot

    old = copy.deepcopy(schedules_data["protocols"]["hip-joint-injection"])
    for key in ("symptoms", "fever_temperature", "blood_sugar_threshold"):
        old.pop(key)
    old["red_flags"] = {"en": ["fever", "swollen"], "es": ["fiebre"]}
    protocol = protocol_from_snapshot("hip-joint-injection", old)
    assert parse_reply("my hip is swollen", protocol.vocabulary).symptoms == ["red_flag_words"]


def test_a_snapshot_from_before_the_fallback_answer_still_loads(schedules_data):
    from reminders.protocol_files import protocol_from_snapshot

    old = copy.deepcopy(schedules_data["protocols"]["hip-joint-injection"])
    old["answers"].pop("fallback")
    protocol = protocol_from_snapshot("hip-joint-injection", old)
    assert set(protocol.answers) == {"help", "red_flag", "no_improvement"}


def test_the_fallback_answer_says_we_received_it_and_whom_to_call_in_both_languages(hip, settings):
    for lang, words in (("en", "received"), ("es", "Recibimos")):
        used, text = hip.answers["fallback"].render(lang, settings.placeholders)
        assert used == lang and words in text
        assert settings.after_hours_phone in text and "911" in text


# --- saved replies (the file's, for staff texts) --------------------------------------

SAVED = ["will-call-today", "please-call-clinic", "tried-to-call", "message-received",
         "how-are-you"]


def test_the_shipped_saved_replies_name_the_clinic_in_both_languages_within_budget(protocols,
                                                                                   settings):
    assert list(protocols.saved_replies) == SAVED
    context = {**settings.placeholders, "first_name": "Maximiliana"}
    for template in protocols.saved_replies.values():
        for lang in ("en", "es"):
            used, text = template.render(lang, context)
            assert used == lang and text.startswith(settings.placeholders["clinic_name"] + ":")
            assert count_segments(text).segments <= template.budget(lang), text
    en = protocols.saved_replies["will-call-today"].render("en", context)[1]
    es = protocols.saved_replies["will-call-today"].render("es", context)[1]
    assert en.endswith("We will call you today.") and es.endswith("Le llamaremos hoy.")


def _saved(schedules_data, mutate):
    data = copy.deepcopy(schedules_data)
    mutate(data["saved_replies"])
    return data


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda s: s["will-call-today"]["text"].update(en="We will call you today."),
     "saved_replies.will-call-today.text.en: must name the clinic ({clinic_name})"),
    (lambda s: s["will-call-today"]["text"].update(es="{clinic_name}: {surname}"),
     "saved_replies.will-call-today.text.es: unknown placeholder {surname}"),
    (lambda s: s["will-call-today"]["text"].pop("en"),
     "saved_replies.will-call-today.text.en: English text is required"),
    (lambda s: s["will-call-today"]["text"].update(en="{clinic_name}: " + "x" * 200),
     "saved_replies.will-call-today.text.en: 2 segments"),
    (lambda s: s.update({"Call Me": s["will-call-today"]}),
     "saved_replies.Call Me: a saved reply's id is lower-case"),
    (lambda s: s.clear(),
     "saved_replies: must map each saved reply's id"),
])
def test_a_saved_reply_mistake_gives_one_message_naming_its_path(schedules_data, settings,
                                                                 mutate, expected):
    errors = _errors(_saved(schedules_data, mutate), settings)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors


def test_a_saved_reply_without_spanish_is_a_warning_and_goes_in_english(schedules_data,
                                                                       settings):
    data = _saved(schedules_data, lambda s: s["tried-to-call"]["text"].pop("es"))
    protocols = load_protocols(data, settings.placeholders)
    assert protocols.warnings == ("saved_replies.tried-to-call.text.es: missing; English is "
                                  "sent instead",)
    assert protocols.saved_replies["tried-to-call"].language_for("es") == "en"


def test_a_file_without_saved_replies_still_loads(schedules_data, settings):
    data = {k: v for k, v in copy.deepcopy(schedules_data).items() if k != "saved_replies"}
    assert load_protocols(data, settings.placeholders).saved_replies == {}


def test_a_protocol_step_cannot_expect_free_text(schedules_data, settings):
    errors = _errors(_broken(schedules_data, lambda p: p["steps"][7].update(
        expects={"reply": "free_text", "window": "1d"})), settings)
    assert errors[0].startswith(f"{P}.steps[7].expects.reply: 'free_text' is not one of")


def test_staff_step_ids_are_reserved(schedules_data, settings):
    errors = _errors(_broken(schedules_data, lambda p: p["steps"][8].update(id="staff-1")),
                     settings)
    assert errors == [f"{P}.steps[8].id: 'staff-1' is not a step id (lower-case letters, "
                      "digits, dashes; 'intro' and staff-… are reserved)"]


# --- staff-facing step titles -------------------------------------------------------

def test_every_shipped_step_has_a_staff_title_in_both_languages(hip):
    assert hip.step("pain-check").title == {"en": "Pain check after the injection",
                                            "es": "Control del dolor tras la inyección"}
    assert hip.step_title("day10-check") == "Day 10 check"
    assert hip.step_title("day10-check", "es") == "Control del día 10"
    for step in hip.steps:
        assert set(step.title) == {"en", "es"}, step.id


def test_a_step_without_a_title_is_refused_naming_the_step(schedules_data, settings):
    errors = _errors(_broken(schedules_data, lambda p: p["steps"][10].pop("title")), settings)
    assert errors == [f"{P}.steps[10].title: is required: the title staff see for step "
                      "'day10-check' in each of the protocol's languages (en, es), "
                      "e.g. {en: Day 10 check, es: Control del día 10}"]


@pytest.mark.parametrize(("title", "expected"), [
    ({"en": "Day 10 check"},
     f"{P}.steps[10].title.es: is required: step 'day10-check' needs a title in each of the "
     "protocol's languages"),
    ({"en": "Day 10 check", "es": " "}, f"{P}.steps[10].title.es: must be a non-empty text"),
    ({"en": "Day 10 check", "es": "Día 10", "fr": "Jour 10"},
     f"{P}.steps[10].title.fr: unknown language (expected ('en', 'es'))"),
    ("Day 10 check", f"{P}.steps[10].title: step 'day10-check': must map each language"),
    ({"en": "x" * 81, "es": "Día 10"}, f"{P}.steps[10].title.en: is 81 characters; at most 80"),
])
def test_a_wrong_title_is_refused_naming_the_step_and_language(schedules_data, settings,
                                                               title, expected):
    errors = _errors(_broken(schedules_data, lambda p: p["steps"][10].update(title=title)),
                     settings)
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_a_snapshot_stored_before_titles_loads_and_shows_the_id_in_words(schedules_data):
    def untitled(p):
        for step in p["steps"]:
            step.pop("title")
    old = load_protocols(_broken(schedules_data, untitled), None).get("hip-joint-injection")
    assert old.step_title("relief-check-day3") == "Relief check day3"
    assert old.step("pain-check").title_in("es") == "Pain check"


def test_the_planner_s_and_staff_steps_have_titles_of_their_own(hip):
    assert hip.step_title("intro") == "Clinic introduction"
    assert hip.step_title("staff-2") == "Text from staff"
    assert hip.step_title("gone-step") == "Gone step"  # a step the file no longer has
