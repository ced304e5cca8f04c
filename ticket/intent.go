package ticket

import (
	"slices"
	"strings"
	"unicode"
)

// Intents are the phrases of a customer's new text that say what the
// customer wants, per intent, in every language the desk speaks. They are
// compared as whole words without regard to case and punctuation.
//
// Reading is cautious: a wrong close is worse than a missed one, because the
// desk's agent reads every answer anyway. So a Confirm phrase counts only at
// the start of the first line that is not a greeting, and only when nothing
// after it on that line puts it in doubt: a question mark, a negation
// ("Opgelost? Nee.", "Confirmed: it still happens"), a qualifier ("It works
// only for NZ", "Funziona solo in parte") or any word that does not simply
// end the phrase ("Solved the login part, labels still fail"). A Failed
// phrase anywhere in the new text wins over any Confirm phrase.
type Intents struct {
	// Confirm closes: the problem is solved (SEKO "resolved", SEMCO
	// "Nachtest war erfolgreich").
	Confirm []string
	// Failed sends a resolved ticket back to the agent (SEMCO "Nachtest
	// nicht erfolgreich") and keeps any ticket from closing.
	Failed []string
}

// DefaultIntents are the words of the four seed languages.
var DefaultIntents = Intents{
	Confirm: []string{"resolved", "solved", "fixed", "it works", "works now", "you can close", "please close",
		"retest passed", "retest successful", "confirmed",
		"erledigt", "gelöst", "behoben", "nachtest war erfolgreich", "nachtest erfolgreich", "funktioniert wieder",
		"kann geschlossen werden", "risolto", "funziona", "potete chiudere", "opgelost", "het werkt", "werkt weer",
		"mag gesloten worden"},
	Failed: []string{"retest failed", "not resolved", "not fixed", "not solved", "still failing", "still not working",
		"still broken", "still fails", "still happens", "does not work", "doesn't work", "not working",
		"nachtest nicht erfolgreich", "nachtest war nicht erfolgreich", "nicht erfolgreich", "nicht behoben",
		"nicht gelöst", "funktioniert nicht", "funktioniert immer noch nicht", "immer noch",
		"non risolto", "non funziona", "non va", "ancora non",
		"niet opgelost", "werkt niet", "nog steeds", "werkt nog steeds niet"},
}

// Intent values.
const (
	intentConfirm = "confirm"
	intentFailed  = "failed"
)

// intent returns "confirm", "failed" or "" for a customer's new text.
func (in Intents) intent(newText string) string {
	all := words(tokens(newText))
	for _, p := range in.Failed {
		if indexPhrase(all, tokens(p)) >= 0 {
			return intentFailed
		}
	}
	for _, line := range strings.Split(newText, "\n") {
		toks := tokens(line)
		if len(toks) == 0 {
			continue
		}
		if in.confirms(toks) {
			return intentConfirm
		}
		if !isGreetingLine(toks) {
			return ""
		}
	}
	return ""
}

// confirms reports whether a line starts (after a greeting and an article)
// with a Confirm phrase that nothing after it puts in doubt.
func (in Intents) confirms(toks []string) bool {
	starts := []int{0}
	if n := greetingLen(toks); n > 0 {
		// "Hi, resolved", "Hallo Herr Schmidt, Nachtest war erfolgreich":
		// the phrase follows the greeting, or the greeting and a name of up
		// to 3 words that ends in punctuation.
		starts = []int{n}
		for s := n; s < len(toks) && s <= n+4; s++ {
			if isPunct(toks[s]) {
				starts = append(starts, s+1)
				break
			}
		}
	}
	phrases := slices.Clone(in.Confirm)
	slices.SortFunc(phrases, func(a, b string) int { return len(b) - len(a) })
	for _, s := range starts {
		for s < len(toks) && isPunct(toks[s]) {
			s++
		}
		if s < len(toks) && articles[toks[s]] {
			s++
		}
		for _, p := range phrases {
			pt := tokens(p)
			if hasPrefix(toks[s:], pt) {
				return undoubted(toks[s+len(pt):])
			}
		}
	}
	return false
}

// undoubted reports whether what follows a Confirm phrase on its line leaves
// it a plain confirmation.
func undoubted(rest []string) bool {
	if len(rest) > 0 && !isPunct(rest[0]) && !tailWords[rest[0]] {
		return false // "Solved the login part", "Funziona solo in parte"
	}
	if len(rest) > 0 && rest[0] == "?" {
		return false
	}
	for i, w := range rest {
		switch {
		case w == "?", negations[w], qualifiers[w], strings.HasSuffix(w, "n't"):
			return false
		case (w == "no" || w == "nope") && (i+1 == len(rest) || isPunct(rest[i+1])):
			return false // "Fixed, no." — "no further issues" stays a confirmation
		case w == "in" && i+1 < len(rest) && rest[i+1] == "parte":
			return false
		}
	}
	return true
}

// words are the tokens that are not punctuation.
func words(toks []string) []string {
	return slices.DeleteFunc(slices.Clone(toks), isPunct)
}

// tokens splits s into lower-case words (letters, digits, apostrophes) and
// the punctuation marks that matter for reading intent.
func tokens(s string) []string {
	toks := casedTokens(s)
	for i, t := range toks {
		toks[i] = strings.ToLower(t)
	}
	return toks
}

// casedTokens is tokens with the words' case kept.
func casedTokens(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’':
			if r == '’' {
				r = '\''
			}
			b.WriteRune(r)
		case strings.ContainsRune("?,.!:;…", r):
			flush()
			out = append(out, string(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

func isPunct(t string) bool { return t != "" && strings.ContainsAny(t[:1], "?,.!:;") || t == "…" }

func hasPrefix(toks, p []string) bool {
	return len(p) > 0 && len(toks) >= len(p) && slices.Equal(toks[:len(p)], p)
}

// indexPhrase is where the words of phrase p first occur in ws, -1 if nowhere.
func indexPhrase(ws, p []string) int {
	for i := range ws {
		if hasPrefix(ws[i:], p) {
			return i
		}
	}
	return -1
}

// greetingLen is how many tokens of a greeting start toks, 0 for none.
func greetingLen(toks []string) int {
	for _, g := range greetings {
		if gt := tokens(g); hasPrefix(toks, gt) {
			return len(gt)
		}
	}
	return 0
}

// isGreetingLine reports whether a line is only a salutation: it starts
// with a greeting and is short, ending in a comma or colon ("Sehr geehrte
// Damen und Herren,"), an exclamation mark ("Grazie mille!") or nothing
// ("Hallo Herr Schmidt"). "Hi, the export hangs." is no greeting line.
func isGreetingLine(toks []string) bool {
	if greetingLen(toks) == 0 {
		return false
	}
	n, last := len(words(toks)), toks[len(toks)-1]
	switch {
	case last == "," || last == ":":
		return n <= 8
	case last == "!":
		return n <= 4
	}
	return n <= 5 && len(words(toks)) == len(toks)
}

// greetings open a mail, longest first where one starts another.
var greetings = []string{
	"sehr geehrte", "sehr geehrter", "sehr geehrtes", "guten morgen", "guten tag", "guten abend", "good morning",
	"good afternoon", "good evening", "hi", "hello", "hey", "dear", "hallo", "moin", "servus", "liebe", "lieber",
	"ciao", "salve", "buongiorno", "buonasera", "gentile", "gentili", "spettabile", "egregio", "beste", "hoi",
	"goedemorgen", "goedemiddag", "goedenavond", "geachte", "dag",
	"ok", "okay", "thanks", "thank you", "danke", "grazie", "bedankt",
}

// articles may stand before a Confirm phrase ("der Nachtest war
// erfolgreich", "het werkt").
var articles = map[string]bool{"der": true, "die": true, "das": true, "the": true, "il": true, "lo": true,
	"la": true, "de": true, "het": true}

// tailWords may directly follow a Confirm phrase without putting it in doubt.
var tailWords = map[string]bool{"now": true, "again": true, "fine": true, "perfectly": true, "thanks": true,
	"thank": true, "jetzt": true, "wieder": true, "danke": true, "ora": true, "adesso": true, "grazie": true,
	"nu": true, "weer": true, "bedankt": true, "prima": true, "perfekt": true, "perfettamente": true}

// negations put a Confirm phrase before them in doubt.
var negations = map[string]bool{"not": true, "never": true, "nicht": true, "nein": true, "kein": true,
	"keine": true, "nie": true, "non": true, "mai": true, "niet": true, "nee": true, "geen": true, "nooit": true,
	"still": true, "but": true, "aber": true, "ma": true, "maar": true, "except": true, "außer": true, "tranne": true,
	"behalve": true}

// qualifiers limit a Confirm phrase before them to a part of the problem.
var qualifiers = map[string]bool{"only": true, "partly": true, "partially": true, "solo": true,
	"soltanto": true, "parzialmente": true, "nur": true, "teilweise": true, "alleen": true, "gedeeltelijk": true,
	"half": true, "halb": true}

// courtesyOnly reports whether a new text only thanks or acknowledges
// ("Thanks!", "Vielen Dank, Herr Schmidt", "Grazie mille!", "Top, bedankt"):
// every word is a greeting, a title, a word of thanks or acknowledgement, or
// a name, and there is no question. A name is one to three capitalised
// words that end their line, either right after a word of thanks, a
// greeting or a title ("Thanks Martin", "Dank, Herr Schmidt") or alone on
// the last line (a sign-off); so "Thanks, Broken again" and "Thanks! Same
// Error" are reports, not courtesy. Such a courtesy reply to a resolved
// ticket reports no retest, so the ticket keeps waiting for the customer's
// confirmation.
func courtesyOnly(text string) bool {
	var lines [][]string
	for _, l := range strings.Split(text, "\n") {
		if toks := casedTokens(l); len(toks) > 0 {
			lines = append(lines, toks)
		}
	}
	thanked := false
	for i, toks := range lines {
		polite := false // the last word was thanks, a greeting or a title
		for j := 0; j < len(toks); j++ {
			t, w := toks[j], strings.ToLower(toks[j])
			switch {
			case t == "?":
				return false
			case t == ",":
			case isPunct(t):
				polite = false
			case thanksWords[w]:
				thanked, polite = true, true
			case ackWords[w] || titles[w] || greetingLen([]string{w}) > 0:
				polite = true
			default:
				n := nameLen(toks[j:])
				if n == 0 || !(polite || (j == 0 && i == len(lines)-1)) {
					return false
				}
				j += n - 1
			}
		}
	}
	return thanked
}

// nameLen is how many words of a name (one to three capitalised words, none
// a negation or qualifier) start toks and end its line (only punctuation
// after them); 0 when toks does not start so.
func nameLen(toks []string) int {
	n := 0
	for n < len(toks) && n < 3 && !isPunct(toks[n]) && unicode.IsUpper([]rune(toks[n])[0]) &&
		!negations[strings.ToLower(toks[n])] && !qualifiers[strings.ToLower(toks[n])] {
		n++
	}
	if n == 0 || slices.ContainsFunc(toks[n:], func(t string) bool { return !isPunct(t) }) {
		return 0
	}
	return n
}

// titles may stand before a name.
var titles = map[string]bool{"herr": true, "frau": true, "mr": true, "mrs": true, "ms": true, "dr": true,
	"signor": true, "signora": true, "sig": true, "dott": true, "meneer": true, "mevrouw": true, "dhr": true,
	"mevr": true}

// thanksWords thank; ackWords may stand beside them.
var (
	thanksWords = map[string]bool{"thanks": true, "thank": true, "thx": true, "cheers": true, "danke": true,
		"dank": true, "dankeschön": true, "grazie": true, "ringrazio": true, "bedankt": true, "dankjewel": true,
		"dankuwel": true}
	ackWords = map[string]bool{"you": true, "so": true, "very": true, "much": true, "many": true, "a": true,
		"lot": true, "again": true, "great": true, "perfect": true, "ok": true, "okay": true, "noted": true,
		"vielen": true, "herzlichen": true, "besten": true, "schön": true, "super": true, "prima": true, "gut": true,
		"mille": true, "tante": true, "molte": true, "perfetto": true, "ottimo": true, "bene": true, "vi": true,
		"je": true, "wel": true, "hartelijk": true, "heel": true, "erg": true, "top": true, "fijn": true,
		"u": true, "voor": true, "for": true, "the": true, "help": true, "hilfe": true, "aiuto": true,
		"hulp": true, "die": true, "per": true, "l'aiuto": true, "de": true, "für": true, "your": true, "ihre": true}
)
