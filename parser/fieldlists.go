package parser

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
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

// notApplicable are answers that mean "left blank" for the typed fields.
var notApplicable = []string{"n/a", "na", "n.a.", "-", "--", "none", "nvt", "n.v.t.", "k.a.", "k. a.", "entfällt", "keine", "geen", "nessuno"}

var (
	yesWords = []string{"yes", "y", "yeah", "yep", "ja", "j", "jawohl", "jep", "sì", "si", "true"}
	noWords  = []string{"no", "n", "nope", "nein", "nee", "neen", "false"}
)

// tickedBox finds a ticked checkbox ("[x] Hoch", "☒ Ja") and what follows it.
var tickedBox = regexp.MustCompile(`(?:\[[xX✓✔]\]|\([xX]\)|[☒☑✔✓])\s*([^\[\]☐☒☑()\n]*)`)

// normalise reads a value as written into the field's normalised form. It
// returns a problem ("" for none) when the value does not fit the type; the
// value is then kept as written. Not-applicable answers ("n/a", "-", "nvt",
// "k.A.", ...) give "" for every type but text and list.
func (f FieldSpec) normalise(raw string) (string, string) {
	if f.Type == FieldText || f.Type == "" || raw == "" {
		return raw, ""
	}
	if f.Type != FieldListType && slices.Contains(notApplicable, strings.ToLower(raw)) {
		return "", ""
	}
	v := raw
	if m := tickedBox.FindStringSubmatch(raw); m != nil && (f.Type == FieldYesNo || f.Type == FieldChoice) {
		v = m[1]
	}
	switch f.Type {
	case FieldYesNo:
		w, _, _ := strings.Cut(choiceWords(v)+" ", " ")
		switch {
		case slices.Contains(yesWords, w):
			return "yes", ""
		case slices.Contains(noWords, w):
			return "no", ""
		}
		return raw, fmt.Sprintf("field %q: %q is not yes or no", f.Key, short(raw))
	case FieldChoice:
		if c, ok := f.choice(v); ok {
			return c, ""
		}
		names := make([]string, 0, len(f.Choices))
		for c := range f.Choices {
			names = append(names, c)
		}
		slices.Sort(names)
		return raw, fmt.Sprintf("field %q: %q is not one of %s", f.Key, short(raw), strings.Join(names, ", "))
	case FieldPhone:
		if p := phoneNumber(raw); p != "" {
			return p, ""
		}
		return raw, fmt.Sprintf("field %q: %q holds no phone number", f.Key, short(raw))
	case FieldURL:
		if u := urlPattern.FindString(raw); u != "" {
			return strings.TrimRight(u, ".,;:!?)]}>'\""), ""
		}
		return raw, fmt.Sprintf("field %q: %q holds no URL", f.Key, short(raw))
	case FieldListType:
		return strings.Join(listItems(raw), "\n"), ""
	}
	return raw, ""
}

// choice returns the canonical value whose word the value is, or starts with
// (whole words; the longest such word wins): "Hoog [verstoring tast ...]"
// is "high".
func (f FieldSpec) choice(v string) (string, bool) {
	v = choiceWords(v)
	best, bestLen := "", 0
	canon := make([]string, 0, len(f.Choices))
	for c := range f.Choices {
		canon = append(canon, c)
	}
	slices.Sort(canon)
	for _, c := range canon {
		for _, w := range append([]string{c}, f.Choices[c]...) {
			w = choiceWords(w)
			if w != "" && len(w) > bestLen && (v == w || strings.HasPrefix(v, w+" ")) {
				best, bestLen = c, len(w)
			}
		}
	}
	return best, bestLen > 0
}

// choiceWords lower-cases s and keeps its letters and digits, words
// separated by one space: "SERA Alphens.nl" -> "sera alphens nl".
func choiceWords(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// urlPattern finds a URL with a scheme, a www. address or a host name with a
// path ("backoffice.sera.example/contract/55").
var urlPattern = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"]+|\bwww\.[^\s<>"]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}/[^\s<>"]*`)

// phoneNumber returns the first run of at least six digits written as a
// phone number (digits, spaces, '-', '.', '/', brackets, a leading '+'),
// reduced to its digits and leading '+'; "+49 (0) 911 555-0142" drops the
// "(0)" trunk prefix. It returns "" when there is none.
func phoneNumber(s string) string {
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if !unicode.IsDigit(rs[i]) && rs[i] != '+' && rs[i] != '(' {
			continue
		}
		j := i + 1
		for ; j < len(rs); j++ {
			r := rs[j]
			spaced := rs[j-1] == ' ' || j+1 < len(rs) && rs[j+1] == ' '
			if !unicode.IsDigit(r) && !strings.ContainsRune(" -./()", r) || r == ' ' && rs[j-1] == ' ' || r == '/' && spaced {
				break
			}
		}
		run := string(rs[i:j])
		if strings.HasPrefix(run, "+") {
			run = strings.Replace(run, "(0)", "", 1)
		}
		if p := keepDigits(run); len(strings.TrimPrefix(p, "+")) >= 6 {
			return p
		}
		i = j - 1
	}
	return ""
}

// keepDigits keeps the digits of s and a leading '+'.
func keepDigits(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsDigit(r) || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// short cuts a value for a problem message.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}

// labelMatcher finds which spec field a label as written names.
type labelMatcher struct {
	exact map[string]int          // normalised label, and label without (brackets) -> spec index
	forms []labelForm             // the same, for prefix matching
	max   int                     // longest normalised label, in bytes
	words map[int]map[string]bool // spec index -> the words of its labels
}

type labelForm struct {
	text  string
	field int
}

func newMatcher(spec []FieldSpec) *labelMatcher {
	m := &labelMatcher{exact: map[string]int{}, words: map[int]map[string]bool{}}
	for i, f := range spec {
		if f.Key == "" {
			continue
		}
		m.words[i] = map[string]bool{}
		for _, l := range f.Labels {
			n := normLabel(l)
			for _, w := range strings.Fields(choiceWords(n)) {
				m.words[i][w] = true
			}
			for _, form := range []string{n, withoutBrackets(n)} {
				if form == "" {
					continue
				}
				if _, ok := m.exact[form]; !ok {
					m.exact[form] = i
				}
				m.forms = append(m.forms, labelForm{form, i})
				m.max = max(m.max, len(form))
			}
		}
	}
	return m
}

// minPrefix is the shortest trimmed label, in runes, read as a prefix.
const minPrefix = 8

// match returns the spec index of the field that label names: a spec label
// or that label without its (brackets), after normLabel (the label as
// written may drop or move brackets holding only words of the field's
// labels); with prefix, also a
// whole-word prefix of at least minPrefix runes of one field's labels only
// (a final ')' closing a trimmed bracket is allowed: "Consignment details
// (consignment number, sender details, recipient details):").
func (m *labelMatcher) match(label string, prefix bool) (int, bool) {
	if len(label) > 2*m.max+32 {
		return -1, false
	}
	n := normLabel(label)
	if n == "" {
		return -1, false
	}
	if i, ok := m.exact[n]; ok {
		return i, true
	}
	// Brackets written elsewhere ("Is it happening to all orders? (Y/N)")
	// are dropped when they hold only words of that field's labels.
	if i, ok := m.exact[withoutBrackets(n)]; ok && !slices.ContainsFunc(strings.Fields(choiceWords(n)), func(w string) bool { return !m.words[i][w] }) {
		return i, true
	}
	if !prefix || utf8.RuneCountInString(n) < minPrefix {
		return -1, false
	}
	cands := []string{n}
	if t := strings.TrimSuffix(n, ")"); t != n && strings.Count(n, "(") == strings.Count(n, ")") {
		cands = append(cands, strings.TrimSpace(t))
	}
	found := -1
	for _, c := range cands {
		for _, f := range m.forms {
			if isWordPrefix(f.text, c) {
				if found >= 0 && found != f.field {
					return -1, false
				}
				found = f.field
			}
		}
	}
	return found, found >= 0
}

// startsLabel tells whether s, normalised, is a whole-word prefix of at
// least minPrefix runes of some label (the first line of a wrapped label).
func (m *labelMatcher) startsLabel(s string) bool {
	n := normLabel(s)
	if utf8.RuneCountInString(n) < minPrefix {
		return false
	}
	for _, f := range m.forms {
		if len(f.text) > len(n) && isWordPrefix(f.text, n) {
			return true
		}
	}
	return false
}

// split reads "label<sep>value" in s with a spec label; the separator must
// stand at byte from or later. In order: ':' (not in "://" nor between
// digits), a tab or a '?' ending the line after any matching label; then '?'
// or two spaces after a label written in full; then the whole of s as a
// label written in full, with the value on the next line.
func (m *labelMatcher) split(s string, from int) (int, string, bool) {
	limit := min(len(s), 2*m.max+32)
	for i := from; i < limit; i++ {
		sep := 0
		switch {
		case s[i] == ':' && !strings.HasPrefix(s[i:], "://") && !(i > 0 && isDigit(s[i-1]) && i+1 < len(s) && isDigit(s[i+1])):
			sep = 1
		case s[i] == '\t', s[i] == '?' && strings.TrimSpace(s[i+1:]) == "":
			sep = 1
		case strings.HasPrefix(s[i:], "："):
			sep = len("：")
		default:
			continue
		}
		if k, ok := m.match(s[:i], true); ok {
			return k, valueAfter(s[:i], s[i+sep:]), true
		}
	}
	for i := max(from, 1); i+1 < limit; i++ {
		if s[i] == '?' && (s[i+1] == ' ' || s[i+1] == '\t') || s[i] == ' ' && s[i+1] == ' ' && s[i-1] != ' ' {
			if k, ok := m.match(s[:i], false); ok {
				return k, valueAfter(s[:i], s[i+1:]), true
			}
		}
	}
	if k, ok := m.match(s, false); ok {
		return k, "", true
	}
	return -1, "", false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isWordPrefix tells whether p is label's beginning, ending at a word end.
func isWordPrefix(label, p string) bool {
	if !strings.HasPrefix(label, p) {
		return false
	}
	if len(label) == len(p) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(label[len(p):])
	last, _ := utf8.DecodeLastRuneInString(p)
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && (unicode.IsLetter(last) || unicode.IsDigit(last) || last == ')')
}

// enumeration is a bullet or item number before a label.
var enumeration = regexp.MustCompile(`^(?:[-*•·–—▪►]\s+|\(?\d{1,2}[.)]\s+)`)

func stripBullet(s string) string { return enumeration.ReplaceAllString(s, "") }

// normLabel is a label as compared: no bullet or item number, no *bold* or
// _underline_ markers, no trailing ':' or '?', lower case, typographic quotes
// and dashes made plain, white space made one space.
func normLabel(s string) string {
	s = stripBullet(strings.TrimSpace(s))
	for {
		t := strings.TrimRight(strings.Trim(s, "*_ \t\u00a0"), ":：?？ \t\u00a0")
		if t == s {
			break
		}
		s = t
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case '’', '‘', '`', '´':
			r = '\''
		case '“', '”', '„':
			r = '"'
		case '–', '—', '‐', '‑':
			r = '-'
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// withoutBrackets drops "(...)" and "[...]" parts of a normalised label:
// "is it happening to all orders (y/n)" -> "is it happening to all orders".
func withoutBrackets(n string) string {
	var b strings.Builder
	depth := 0
	for _, r := range n {
		switch {
		case r == '(' || r == '[':
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	for _, p := range []string{",", ";", ".", ":"} {
		out = strings.ReplaceAll(out, " "+p, p)
	}
	return strings.TrimRight(out, ",;:.? ")
}
