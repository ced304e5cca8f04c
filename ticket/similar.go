package ticket

import (
	"strings"
	"unicode"
)

// similarStop are words that say nothing of an issue, in the four desk
// languages; they are left out when summaries are compared.
var similarStop = map[string]bool{
	"the": true, "and": true, "not": true, "for": true, "with": true, "from": true, "are": true, "is": true,
	"der": true, "die": true, "das": true, "und": true, "nicht": true, "mit": true, "ist": true, "ein": true, "eine": true,
	"il": true, "non": true, "per": true, "con": true, "che": true, "una": true, "del": true, "della": true,
	"het": true, "een": true, "niet": true, "van": true, "met": true, "voor": true, "wordt": true,
	"re": true, "fw": true, "fwd": true, "aw": true, "wg": true,
}

// SummaryTokens are the words of a summary that say what the issue is:
// lower case, letters and digits only, at least two characters, without
// the few words every summary has.
func SummaryTokens(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len([]rune(w)) >= 2 && !similarStop[w] {
			out[w] = true
		}
	}
	return out
}

// Similar reports whether two summaries describe the same issue: at least
// half of the words of both together are shared (Jaccard index of
// SummaryTokens of 0.5 or more). It is deterministic and symmetric; two
// summaries without words are not similar.
func Similar(a, b string) bool {
	ta, tb := SummaryTokens(a), SummaryTokens(b)
	if len(ta) == 0 || len(tb) == 0 {
		return false
	}
	shared := 0
	for w := range ta {
		if tb[w] {
			shared++
		}
	}
	return 2*shared >= len(ta)+len(tb)-shared
}
