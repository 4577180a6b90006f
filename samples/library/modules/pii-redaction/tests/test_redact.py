from pii_redaction import redact


def test_replaces_contact_details_and_counts_them():
    result = redact("Call me on 07700 900123 or write to jo.bloggs@example.com, postcode SW1A 1AA.")
    assert result.text == "Call me on [PHONE] or write to [EMAIL], postcode [POSTCODE]."
    assert result.counts == {"PHONE": 1, "EMAIL": 1, "POSTCODE": 1}


def test_replaces_known_names_longest_first_ignoring_case():
    result = redact("JO BLOGGS called; Jo said the van hit her car.", known_names=["Jo", "Jo Bloggs"])
    assert result.text == "[NAME] called; [NAME] said the van hit her car."
    assert result.counts == {"NAME": 2}


def test_card_numbers_need_a_valid_luhn_check_digit():
    assert redact("Card 4111 1111 1111 1111 was charged.").text == "Card [CARD] was charged."
    assert redact("Reference 4111 1111 1111 1112 is not a card.").text == "Reference 4111 1111 1111 1112 is not a card."


def test_bank_details_national_insurance_policy_and_vehicle():
    text = "IBAN GB82 WEST 1234 5698 7654 32, sort code 12-34-56, NI AB 12 34 56 C, policy LM-4820193, car AB12 CDE."
    assert redact(text).text == "IBAN [IBAN], sort code [SORT-CODE], NI [NINO], policy [POLICY-NO], car [VRN]."


def test_keeps_claim_numbers_and_dates():
    text = "Claim CLM-2025-018842, loss on 03/03/2025 at 14:20."
    assert redact(text).text == text
    assert redact(text).counts == {}
