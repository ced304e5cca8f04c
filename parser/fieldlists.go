package parser

import (
	"errors"
	"fmt"
	"strings"
)

// FieldType says how a form field's value is read and normalised.
type FieldType string

// The field types a desk's field list may use.
const (
	// FieldText keeps the value as written, trimmed, lines kept.
	FieldText FieldType = "text"
	// FieldYesNo reads yes or no in English, German, Dutch and Italian ("Y",
	// "ja", "nee", "sì", "Yes, attached") into "yes" or "no".
	FieldYesNo FieldType = "yesno"
	// FieldChoice reads one of the spec's Choices into its canonical value.
	FieldChoice FieldType = "choice"
	// FieldPhone keeps the digits of the first phone number and a leading "+".
	FieldPhone FieldType = "phone"
	// FieldListType reads items, one a line or separated by commas or semicolons,
	// and joins them with "\n".
	FieldListType FieldType = "list"
	// FieldURL keeps the first URL in the value.
	FieldURL FieldType = "url"
)

// FieldSpec is one field of a desk's form: its key, type, and every label
// people write for it (all languages, aliases, with or without trailing
// punctuation; matched case-insensitively, ignoring surrounding *bold*
// markers, bullets and trailing ':' or '?').
type FieldSpec struct {
	Key    string    `toml:"key"`
	Type   FieldType `toml:"type"`
	Labels []string  `toml:"labels"`
	// Choices, for a choice field, maps each canonical value to the words
	// people write for it (e.g. "high": {"Hoch", "High", "Hoog"}); the
	// canonical value itself is always accepted too.
	Choices map[string][]string `toml:"choices"`
}

// CheckFields reports what is wrong with a field list, naming the field: an
// empty or repeated key, an unknown type, a field without labels, a choice
// field without choices or choices on another type, and a label (after the
// normalisation ReadForm applies) given to two keys. It returns nil for a
// usable list; ReadForm copes with any list, but a desk config should be
// refused at start when CheckFields fails.
func CheckFields(spec []FieldSpec) error {
	var errs []error
	keys := map[string]bool{}
	owner := map[string]string{} // normalised label -> key
	for i, f := range spec {
		name := fmt.Sprintf("field %d (%q)", i+1, f.Key)
		switch {
		case strings.TrimSpace(f.Key) == "":
			errs = append(errs, fmt.Errorf("field %d: empty key", i+1))
		case keys[f.Key]:
			errs = append(errs, fmt.Errorf("%s: key used twice", name))
		}
		keys[f.Key] = true
		switch f.Type {
		case FieldText, FieldYesNo, FieldPhone, FieldListType, FieldURL:
			if len(f.Choices) > 0 {
				errs = append(errs, fmt.Errorf("%s: choices given for type %q", name, f.Type))
			}
		case FieldChoice:
			if len(f.Choices) == 0 {
				errs = append(errs, fmt.Errorf("%s: choice field without choices", name))
			}
		default:
			errs = append(errs, fmt.Errorf("%s: unknown type %q (want text, yesno, choice, phone, list or url)", name, f.Type))
		}
		if len(f.Labels) == 0 {
			errs = append(errs, fmt.Errorf("%s: no labels", name))
		}
		for _, l := range f.Labels {
			n := normLabel(l)
			if n == "" {
				errs = append(errs, fmt.Errorf("%s: empty label %q", name, l))
				continue
			}
			if k, ok := owner[n]; ok && k != f.Key {
				errs = append(errs, fmt.Errorf("%s: label %q is also a label of %q", name, l, k))
			}
			owner[n] = f.Key
		}
	}
	return errors.Join(errs...)
}

// FieldList returns a shipped field list by name, as a fresh copy:
//
//   - "seko": the SEKO / OmniParcel questionnaire, 11 fields, English
//     (seeds/seko-it-support-self-management.txt, "Questionnaire");
//   - "semco": Kategorie, Priorität, Zusammenfassung, Beschreibung, Schritte
//     zur Reproduktion, Zusätzliche Informationen, German labels with English
//     aliases (seeds/semco-supportsystem-de.txt, "Neues Ticket anlegen");
//   - "sera": Urgentie, Afdeling, Onderwerp, probleemstelling, URL link,
//     Dutch labels with English aliases (seeds/sera-helpdesk-nl.txt).
//
// Keys are English snake_case and the same kind of field has the same key
// across desks (description, priority, url, ...).
func FieldList(name string) ([]FieldSpec, bool) {
	switch name {
	case "seko":
		return sekoFields(), true
	case "semco":
		return semcoFields(), true
	case "sera":
		return seraFields(), true
	}
	return nil, false
}

func sekoFields() []FieldSpec {
	return []FieldSpec{
		{Key: "description", Type: FieldText, Labels: []string{
			"Brief description of the issue including timestamp (and time zone) of the issue:",
			"Brief description of the issue", "Issue description", "Description", "Issue"}},
		{Key: "all_orders", Type: FieldYesNo, Labels: []string{
			"Is it happening to all orders (Y/N):", "Happening to all orders", "All orders"}},
		{Key: "frequency", Type: FieldText, Labels: []string{
			"If not all orders, how often does it happen/how many parcels is it happening to (i.e., intermittent a couple of times per month, all orders from AU to NZ, all orders today, etc):",
			"How often does it happen", "How often", "Frequency"}},
		{Key: "consignments", Type: FieldText, Labels: []string{
			"Consignment details (consignment number, sender details, recipient details - even if the shipment creation wasn't completed):",
			"Consignment numbers", "Consignment number", "Consignments"}},
		{Key: "api_request", Type: FieldText, Labels: []string{
			"Full API request, Response and API key (attach or copy/paste):",
			"API request and response", "API request"}},
		{Key: "error_message", Type: FieldText, Labels: []string{
			"Error message:", "Error messages", "Error"}},
		{Key: "consignment_list_attached", Type: FieldYesNo, Labels: []string{
			"If you have a list of impacted consignments, please attach (respond 'yes' if attached):",
			"List of impacted consignments", "Impacted consignments", "List attached"}},
		{Key: "platform", Type: FieldText, Labels: []string{
			"Platform which returned the error message (direct from OmniParcel; /OmniReturns/ through integration partner, etc):",
			"Platform which returned the error message (direct from OmniParcel; OmniReturns through integration partner, etc):",
			"Platform"}},
		{Key: "account", Type: FieldText, Labels: []string{
			"OmniParcel account number/account name (this is for OmniParcel related issues only):",
			"Account number/account name", "Account number", "Account name", "Account"}},
		{Key: "contact_phone", Type: FieldPhone, Labels: []string{
			"Best contact number if we need to organise a call with you regarding your request:",
			"Best contact number", "Contact number", "Phone number", "Phone", "Contact"}},
		{Key: "other", Type: FieldText, Labels: []string{
			"Other relevant information:", "Other information", "Other"}},
	}
}

func semcoFields() []FieldSpec {
	return []FieldSpec{
		{Key: "category", Type: FieldChoice, Labels: []string{"Kategorie", "Category"},
			Choices: map[string][]string{
				"customisation": {"Anpassung vornehmen", "Anpassung", "Customisation", "Customization", "Change request"},
				"usage":         {"Fragen zur Bedienung", "Frage zur Bedienung", "Bedienung", "Question about usage", "Usage", "How-to"},
				"bug":           {"Fehler", "Bug", "Error", "Defect"},
				"upgrade":       {"Upgrade"},
				"feature":       {"Feature-Wunsch", "Featurewunsch", "Feature wish", "Feature request"},
			}},
		{Key: "priority", Type: FieldChoice, Labels: []string{"Priorität", "Prioritaet", "Priority"},
			Choices: map[string][]string{
				"low":    {"Niedrig", "Low"},
				"normal": {"Normal", "Medium"},
				"high":   {"Hoch", "High"},
			}},
		{Key: "summary", Type: FieldText, Labels: []string{"Zusammenfassung", "Summary"}},
		{Key: "description", Type: FieldText, Labels: []string{"Beschreibung", "Fehlerbeschreibung", "Description"}},
		{Key: "steps", Type: FieldText, Labels: []string{
			"Schritte zur Reproduktion", "Schritte zum Reproduzieren", "Steps to reproduce", "Steps"}},
		{Key: "additional_info", Type: FieldText, Labels: []string{
			"Zusätzliche Informationen", "Zusaetzliche Informationen", "Weitere Informationen",
			"Additional information", "Additional info"}},
	}
}

func seraFields() []FieldSpec {
	return []FieldSpec{
		{Key: "urgency", Type: FieldChoice, Labels: []string{"Urgentie", "Urgency", "Prioriteit", "Priority"},
			Choices: map[string][]string{
				"low":      {"Laag", "Low"},
				"medium":   {"Gemiddeld", "Medium"},
				"high":     {"Hoog", "High"},
				"question": {"Vraag", "Question"},
			}},
		{Key: "department", Type: FieldChoice, Labels: []string{"Afdeling", "Department"},
			Choices: map[string][]string{
				"dataduiker":      {"SERA Dataduiker", "Dataduiker"},
				"datawijzer":      {"SERA Datawijzer", "Datawijzer"},
				"business-design": {"SERA Business Design B.V.", "SERA Business Design", "Business Design B.V.", "Business Design"},
				"alphens":         {"SERA Alphens.nl", "Alphens.nl", "Alphens"},
			}},
		{Key: "subject", Type: FieldText, Labels: []string{"Onderwerp", "Subject"}},
		{Key: "problem", Type: FieldText, Labels: []string{
			"Jouw probleemstelling, vraag en/of constatering", "Probleemstelling", "Omschrijving",
			"Problem statement", "Problem description"}},
		{Key: "url", Type: FieldURL, Labels: []string{"URL link", "URL", "Link"}},
	}
}
