package parser

import (
	"regexp"
	"strings"
)

// outOfOfficePhrases are the phrases autoresponders put in a subject (or
// the first lines of their text), in English, German, Italian, Dutch,
// French and Spanish: Exchange's and Outlook's "Automatic reply:" and "Out
// of Office", Lotus Notes' "Abwesenheitsnotiz", Gmail's and the vacation
// programs' words. They may stand anywhere.
var outOfOfficePhrases = regexp.MustCompile(`(?i)(` + strings.Join([]string{
	// English
	`out of (the )?office`, `out-of-office`, `\booo\b`, `auto(matic|mated)?[ -]?(reply|response|answer)`,
	`autoreply`, `autoresponse`, `vacation (reply|response|message|notice|auto)`,
	`away from (the |my )?(office|desk)`, `i am (currently )?(away|out of)`, `i'?m (currently )?(away|out of)`,
	`away until`, `absence notice`, `on (annual |parental |sick )?leave until`,
	// German
	`abwesenheitsnotiz`, `abwesenheitsnachricht`, `automatische (antwort|r(ü|ue)ckmeldung|benachrichtigung)`,
	`nicht im b(ü|ue)ro`, `au(ß|ss)er haus`, `urlaubsabwesenheit`, `bin (derzeit |zurzeit )?nicht erreichbar`,
	// Italian
	`risposta automatica`, `fuori sede`, `fuori ufficio`, `assente dall'ufficio`, `sono assente`,
	// Dutch
	`afwezigheidsassistent`, `afwezigheidsbericht`, `automatisch antwoord`, `buiten kantoor`, `niet op kantoor`,
	// French
	`r(é|e)ponse automatique`, `absent du bureau`, `absente du bureau`, `message d'absence`, `hors du bureau`,
	// Spanish
	`respuesta autom(á|a)tica`, `fuera de la oficina`, `fuera de oficina`, `mensaje de ausencia`,
}, "|") + `)`)

// outOfOfficeWords are words that mean an absence only when they open the
// subject and stand alone or before a colon, a dash or a date ("Absence:
// Jane Doe", "Abwesend bis 3.3.", "Ausencia"): in a sentence they are a
// person's words ("Absence of labels on the pallet").
var outOfOfficeWords = regexp.MustCompile(`(?i)^(\[[^\]]*\]\s*)?(absence|absent|absente|abwesend|abwesenheit|assente|assenza|afwezig|ausencia|ausente)` +
	`\s*($|[:\-–(]|\s+(until|till|from|bis|vom|ab|fino|dal|tot|van|jusqu|du|hasta|del|desde)\b)`)

// IsOutOfOffice reports whether a subject (and, when given after it, a
// body's first lines) reads like an out-of-office or other automatic reply
// in English, German, Italian, Dutch, French or Spanish: "Out of Office",
// "Automatic reply:", "Abwesenheitsnotiz", "Automatische Antwort",
// "Risposta automatica", "Fuori sede", "Afwezigheidsassistent",
// "Automatisch antwoord", "Réponse automatique", "Absence", "Respuesta
// automática", ... A person's reply or forward ("Re: Out of office") is
// not one. The headers tell more reliably (RFC 3834 Auto-Submitted; see
// Classify); this reads the words for mail that lacks them.
func IsOutOfOffice(subject string) bool {
	s := strings.TrimSpace(subject)
	if replyOrForward.MatchString(s) {
		return false
	}
	return outOfOfficePhrases.MatchString(s) || outOfOfficeWords.MatchString(s)
}
