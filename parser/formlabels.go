package parser

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
