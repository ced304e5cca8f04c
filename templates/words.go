package templates

import (
	"fmt"
	"strings"
	"time"
)

// langWords are one language's words for the ticket states and resolutions,
// and how it writes a date.
type langWords struct {
	// status is the state as a customer reads it.
	status map[string]string
	// staffStatus overrides status for agents where the customer's word
	// would mislead them ("waiting for your answer").
	staffStatus map[string]string
	resolution  map[string]string
	// weekdays are the names of the days, Sunday first (time.Weekday's
	// order); months those of the months, January first.
	weekdays [7]string
	months   [12]string
	// dateFormat is the fmt format of a date and time, its arguments the
	// weekday's name (1), the day (2), the month's name (3), the year (4),
	// the time "15:04" (5) and the zone's name (6).
	dateFormat string
}

// words are the words of every language of Languages.
var words = map[string]*langWords{
	"en": {
		status: map[string]string{
			"new": "new", "assigned": "assigned", "in_progress": "in progress",
			"waiting_customer": "waiting for your answer", "dev_request": "with development",
			"resolved": "resolved", "closed": "closed", "cancelled": "cancelled",
		},
		staffStatus: map[string]string{"waiting_customer": "waiting for the customer"},
		resolution: map[string]string{
			"fixed": "fixed", "confirmed_by_customer": "confirmed by the customer",
			"no_response": "closed without an answer", "quote_required": "needs a quote (beyond the support agreed)",
			"project_manager": "handed to the project manager", "moved_department": "moved to another department",
			"duplicate": "duplicate of another ticket", "cancelled": "cancelled",
		},
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		months: [12]string{"January", "February", "March", "April", "May", "June",
			"July", "August", "September", "October", "November", "December"},
		dateFormat: "%[1]s %[2]d %[3]s %[4]d, %[5]s (%[6]s)",
	},
	"de": {
		status: map[string]string{
			"new": "neu", "assigned": "zugewiesen", "in_progress": "in Bearbeitung",
			"waiting_customer": "Rückmeldung", "dev_request": "in der Entwicklung",
			"resolved": "gelöst", "closed": "geschlossen", "cancelled": "storniert",
		},
		staffStatus: map[string]string{"waiting_customer": "Rückmeldung (wartet auf den Kunden)"},
		resolution: map[string]string{
			"fixed": "behoben", "confirmed_by_customer": "vom Kunden bestätigt",
			"no_response": "ohne Rückmeldung geschlossen", "quote_required": "Angebot erforderlich (außerhalb des Supportumfangs)",
			"project_manager": "an den Projektleiter übergeben", "moved_department": "an eine andere Abteilung übergeben",
			"duplicate": "Duplikat eines anderen Tickets", "cancelled": "storniert",
		},
		weekdays: [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		months: [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni",
			"Juli", "August", "September", "Oktober", "November", "Dezember"},
		dateFormat: "%[1]s, %[2]d. %[3]s %[4]d, %[5]s Uhr (%[6]s)",
	},
	"it": {
		status: map[string]string{
			"new": "aperto", "assigned": "assegnato", "in_progress": "in lavorazione",
			"waiting_customer": "in attesa di un Suo riscontro", "dev_request": "richiesta di sviluppo",
			"resolved": "risolto", "closed": "chiuso", "cancelled": "annullato",
		},
		staffStatus: map[string]string{"waiting_customer": "in attesa del cliente"},
		resolution: map[string]string{
			"fixed": "risolto", "confirmed_by_customer": "confermato dal cliente",
			"no_response": "chiuso senza riscontro", "quote_required": "soggetto a preventivo (esula dalla normale assistenza)",
			"project_manager": "assegnato al capo progetto", "moved_department": "assegnato a un altro reparto",
			"duplicate": "duplicato di un altro ticket", "cancelled": "annullato",
		},
		weekdays: [7]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"},
		months: [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
			"luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
		dateFormat: "%[1]s %[2]d %[3]s %[4]d, %[5]s (%[6]s)",
	},
	"nl": {
		status: map[string]string{
			"new": "nieuw", "assigned": "toegewezen", "in_progress": "in behandeling",
			"waiting_customer": "wacht op uw reactie", "dev_request": "bij ontwikkeling",
			"resolved": "opgelost", "closed": "gesloten", "cancelled": "geannuleerd",
		},
		staffStatus: map[string]string{"waiting_customer": "wacht op de klant"},
		resolution: map[string]string{
			"fixed": "opgelost", "confirmed_by_customer": "bevestigd door de klant",
			"no_response": "gesloten zonder reactie", "quote_required": "offerte nodig (valt buiten de afgesproken support)",
			"project_manager": "overgedragen aan de projectleider", "moved_department": "doorgezet naar een andere afdeling",
			"duplicate": "duplicaat van een ander ticket", "cancelled": "geannuleerd",
		},
		weekdays: [7]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
		months: [12]string{"januari", "februari", "maart", "april", "mei", "juni",
			"juli", "augustus", "september", "oktober", "november", "december"},
		dateFormat: "%[1]s %[2]d %[3]s %[4]d, %[5]s (%[6]s)",
	},
}

// wordsOf returns the words of lang, English for a language without.
func wordsOf(lang string) *langWords {
	if w, ok := words[lang]; ok {
		return w
	}
	return words[fallbackLanguage]
}

// statusWord is the template function status: the state key in the
// language, the agents' word when staff is true, the key itself when
// unknown.
func (w *langWords) statusWord(key string, staff ...bool) string {
	if len(staff) > 0 && staff[0] {
		if s, ok := w.staffStatus[key]; ok {
			return s
		}
	}
	if s, ok := w.status[key]; ok {
		return s
	}
	return key
}

// resolutionWord is the template function resolution: the resolution key
// in the language, the key itself when unknown.
func (w *langWords) resolutionWord(key string) string {
	if s, ok := w.resolution[key]; ok {
		return s
	}
	return key
}

// dateWord is the template function date: t in its own location as a
// full local date and time with the zone's name, "Monday 23 November 2026,
// 08:00 (Europe/Amsterdam)"; "" for the zero time.
func (w *langWords) dateWord(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf(w.dateFormat, w.weekdays[t.Weekday()], t.Day(), w.months[t.Month()-1], t.Year(),
		t.Format("15:04"), zoneName(t))
}

// zoneName names t's zone for a reader: its location's name
// ("Europe/Amsterdam"); for time.Local, whose name says nothing to a
// reader, or an unnamed zone, the zone's abbreviation ("CET"), else its
// offset ("UTC+01:00").
func zoneName(t time.Time) string {
	if name := t.Location().String(); name != "" && name != "Local" {
		return name
	}
	if abbr, _ := t.Zone(); abbr != "" && !strings.ContainsAny(abbr[:1], "+-") {
		return abbr
	}
	return "UTC" + t.Format("-07:00")
}
