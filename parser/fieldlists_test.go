package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFieldListMatch checks which field a label as written names.
func TestFieldListMatch(t *testing.T) {
	seko, _ := FieldList("seko")
	semco, _ := FieldList("semco")
	tests := []struct {
		spec   []FieldSpec
		label  string
		prefix bool
		want   string // key, "" for no match
	}{
		{seko, "Error message", false, "error_message"},
		{seko, "ERROR MESSAGE:", false, "error_message"},
		{seko, "  **Error message:**  ", false, "error_message"},
		{seko, "- Error message", false, "error_message"},
		{seko, "• Error message?", false, "error_message"},
		{seko, "3. Error message", false, "error_message"},
		{seko, "(3) Error message", false, "error_message"},
		{seko, "Is it happening to all orders (Y/N)", false, "all_orders"},
		{seko, "Is it happening to all orders", false, "all_orders"}, // without brackets
		{seko, "Is it happening to all orders?", false, "all_orders"},
		{seko, "Is it happening to all orders? (Y/N)", false, "all_orders"},
		{seko, "Is it happening to all orders (yes or no)", false, ""}, // words in no label
		{seko, "Error message (see screenshot)", false, ""},
		{seko, "If you have a list of impacted consignments, please attach (respond ‘yes’ if attached)", false, "consignment_list_attached"},
		{seko, "Brief description of the issue including timestamp of the issue", false, "description"},
		// Trimmed long questions: whole-word prefixes of at least 8 runes.
		{seko, "If not all orders, how often does it happen/how many parcels is it happening to", true, "frequency"},
		{seko, "If not all orders, how often does it happen/how many parcels is it happening to", false, "frequency"}, // without brackets
		{seko, "If not all orders, how often does it happen", true, "frequency"},
		{seko, "If not all orders, how often does it happen", false, ""},
		{seko, "Platform which returned the error message", true, "platform"},
		{seko, "Consignment details (consignment number, sender details, recipient details)", true, "consignments"},
		{seko, "OmniParcel account number/account name", true, "account"},
		{seko, "Best contact number if we need to organise a call", true, "contact_phone"},
		{seko, "Brief description of the iss", true, ""}, // not at a word end
		{seko, "Is it", true, ""}, // too short
		{seko, "Consignment", true, "consignments"},
		{seko, "Other relevant", true, "other"},
		{seko, "Error message received", true, ""}, // longer than the label
		{seko, "Note", true, ""},
		{seko, "", true, ""},
		{semco, "Priorität", false, "priority"},
		{semco, "priorität:", false, "priority"},
		{semco, "Priority", false, "priority"},
		{semco, "Zusätzliche Informationen", false, "additional_info"},
		{semco, "Schritte zur", true, "steps"},
		// Ambiguous prefix: two fields have labels starting so.
		{[]FieldSpec{{Key: "a", Labels: []string{"Contact number"}}, {Key: "b", Labels: []string{"Contact name"}}}, "Contact", true, ""},
		{[]FieldSpec{{Key: "a", Labels: []string{"Contact number office"}}, {Key: "b", Labels: []string{"Contact number mobile"}}}, "Contact number", true, ""},
		{[]FieldSpec{{Key: "", Labels: []string{"Ghost"}}}, "Ghost", false, ""},
	}
	for _, tt := range tests {
		k, ok := newMatcher(tt.spec).match(tt.label, tt.prefix)
		got := ""
		if ok {
			got = tt.spec[k].Key
		}
		if got != tt.want {
			t.Errorf("match(%q, prefix %v) = %q, want %q", tt.label, tt.prefix, got, tt.want)
		}
	}
}

// TestFieldListSeedLabels checks that every question of the SEKO
// questionnaire, as the seed document writes it, names its own field. The
// seed is read from ../../shared/seeds when present.
func TestFieldListSeedLabels(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("..", "..", "shared", "seeds", "seko-it-support-self-management.txt"))
	if err != nil {
		t.Skipf("seed documents not here: %v", err)
	}
	_, q, _ := strings.Cut(string(seed), "Questionnaire (to be included in your support request)\tResponse\n")
	q, _, _ = strings.Cut(q, "\n\n")
	seko, _ := FieldList("seko")
	m := newMatcher(seko)
	seen := map[string]bool{}
	for _, line := range strings.Split(q, "\n") {
		k, v, ok := m.split(line, 0)
		if !ok || v != "" {
			t.Errorf("seed line %q: match %v value %q", line, ok, v)
			continue
		}
		seen[seko[k].Key] = true
	}
	if len(seen) != 11 {
		t.Errorf("seed questionnaire names %d fields, want 11: %v", len(seen), seen)
	}
}

func TestFieldListShipped(t *testing.T) {
	for _, tt := range []struct {
		name string
		keys []string
	}{
		{"seko", []string{"description", "all_orders", "frequency", "consignments", "api_request", "error_message",
			"consignment_list_attached", "platform", "account", "contact_phone", "other"}},
		{"semco", []string{"category", "priority", "summary", "description", "steps", "additional_info"}},
		{"sera", []string{"urgency", "department", "subject", "problem", "url"}},
	} {
		spec, ok := FieldList(tt.name)
		if !ok {
			t.Fatalf("FieldList(%q) missing", tt.name)
		}
		if err := CheckFields(spec); err != nil {
			t.Errorf("CheckFields(%s): %v", tt.name, err)
		}
		var keys []string
		for _, f := range spec {
			keys = append(keys, f.Key)
		}
		if strings.Join(keys, ",") != strings.Join(tt.keys, ",") {
			t.Errorf("FieldList(%q) keys %q, want %q", tt.name, keys, tt.keys)
		}
		spec[0].Labels[0] = "changed"
		if again, _ := FieldList(tt.name); again[0].Labels[0] == "changed" {
			t.Errorf("FieldList(%q) shares its slices between calls", tt.name)
		}
	}
	if _, ok := FieldList("ocs"); ok {
		t.Error(`FieldList("ocs") found, want no such list`)
	}
}

func TestCheckFields(t *testing.T) {
	tests := []struct {
		spec []FieldSpec
		want string // in the error; "" for nil
	}{
		{[]FieldSpec{{Key: "a", Type: FieldText, Labels: []string{"A"}}}, ""},
		{[]FieldSpec{{Key: "", Type: FieldText, Labels: []string{"A"}}}, "empty key"},
		{[]FieldSpec{{Key: "a", Type: FieldText, Labels: []string{"A"}}, {Key: "a", Type: FieldText, Labels: []string{"B"}}}, "key used twice"},
		{[]FieldSpec{{Key: "a", Type: "number", Labels: []string{"A"}}}, `unknown type "number"`},
		{[]FieldSpec{{Key: "a", Type: FieldText}}, "no labels"},
		{[]FieldSpec{{Key: "a", Type: FieldText, Labels: []string{"**:"}}}, "empty label"},
		{[]FieldSpec{{Key: "a", Type: FieldChoice, Labels: []string{"A"}}}, "choice field without choices"},
		{[]FieldSpec{{Key: "a", Type: FieldYesNo, Labels: []string{"A"}, Choices: map[string][]string{"x": nil}}}, "choices given"},
		{[]FieldSpec{{Key: "a", Type: FieldText, Labels: []string{"Error:"}}, {Key: "b", Type: FieldText, Labels: []string{"*error*"}}}, `is also a label of "a"`},
	}
	for _, tt := range tests {
		err := CheckFields(tt.spec)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckFields(%+v) = %v, want nil", tt.spec, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckFields(%+v) = %v, want an error with %q", tt.spec, err, tt.want)
		}
	}
}

func TestFieldListNormalise(t *testing.T) {
	semco, _ := FieldList("semco")
	sera, _ := FieldList("sera")
	yes := FieldSpec{Key: "yn", Type: FieldYesNo}
	phone := FieldSpec{Key: "tel", Type: FieldPhone}
	url := FieldSpec{Key: "url", Type: FieldURL}
	list := FieldSpec{Key: "ids", Type: FieldListType}
	tests := []struct {
		f       FieldSpec
		raw     string
		want    string
		problem bool
	}{
		{yes, "Y", "yes", false},
		{yes, "N", "no", false},
		{yes, "yes", "yes", false},
		{yes, "Yes, attached", "yes", false},
		{yes, "ja", "yes", false},
		{yes, "Ja, alle Aufträge", "yes", false},
		{yes, "Nein.", "no", false},
		{yes, "nee", "no", false},
		{yes, "Neen", "no", false},
		{yes, "sì", "yes", false},
		{yes, "Si", "yes", false},
		{yes, "no", "no", false},
		{yes, "N/A", "", false},
		{yes, "[ ] Yes [x] No", "no", false},
		{yes, "maybe", "maybe", true},
		{yes, "", "", false},
		{semco[1], "Hoch", "high", false},
		{semco[1], "high", "high", false},
		{semco[1], "NIEDRIG", "low", false},
		{semco[1], "[ ] Niedrig [ ] Normal [x] Hoch", "high", false},
		{semco[1], "Dringend", "Dringend", true},
		{semco[1], "k.A.", "", false},
		{semco[0], "Fragen zur Bedienung", "usage", false},
		{semco[0], "Anpassung vornehmen", "customisation", false},
		{semco[0], "Feature-Wunsch", "feature", false},
		{semco[0], "Fehler - Rechnungslauf", "bug", false},
		{semco[0], "Fehlerhaft", "Fehlerhaft", true}, // a word, not a prefix of one
		{sera[0], "Hoog [verstoring tast één of meerdere cruciale onderdelen aan]", "high", false},
		{sera[0], "Vraag", "question", false},
		{sera[1], "SERA Business Design B.V.", "business-design", false},
		{sera[1], "sera alphens.nl", "alphens", false},
		{phone, "+61 2 5550 1234", "+61255501234", false},
		{phone, "(09) 555 0199", "095550199", false},
		{phone, "+49 (0) 911 555-0142", "+499115550142", false},
		{phone, "0412 345 678 (mobile, after 2pm)", "0412345678", false},
		{phone, "089/1234567", "0891234567", false},
		{phone, "Priya: +61 2 5550 1234 / 0412 345 678", "+61255501234", false},
		{phone, "call me on Teams", "call me on Teams", true},
		{phone, "ext. 12", "ext. 12", true},
		{url, "see https://backoffice.example.nl/contract/55.", "https://backoffice.example.nl/contract/55", false},
		{url, "<https://x.example/a?b=c>", "https://x.example/a?b=c", false},
		{url, "www.sera.example/lvs", "www.sera.example/lvs", false},
		{url, "backoffice.sera-klant.example/contracten/55", "backoffice.sera-klant.example/contracten/55", false},
		{url, "the backoffice", "the backoffice", true},
		{list, "ACM0001, ACM0002; ACM0003", "ACM0001\nACM0002\nACM0003", false},
		{list, "- ACM0001\n- ACM0002\n\n1. ACM0003", "ACM0001\nACM0002\nACM0003", false},
		{list, "ACM0001 ACM0002", "ACM0001\nACM0002", false},
		{list, "Sydney depot", "Sydney depot", false},
		{FieldSpec{Key: "t", Type: FieldText}, "n/a", "n/a", false},
	}
	for _, tt := range tests {
		got, problem := tt.f.normalise(tt.raw)
		if got != tt.want || (problem != "") != tt.problem {
			t.Errorf("%s %q: normalise = %q, problem %q; want %q, problem %v", tt.f.Type, tt.raw, got, problem, tt.want, tt.problem)
		}
		if problem != "" && !strings.Contains(problem, `"`+tt.f.Key+`"`) {
			t.Errorf("problem %q does not name the field %q", problem, tt.f.Key)
		}
	}
}
