package parser

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

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
