package templates

// langWords are one language's words for the ticket states and resolutions.
type langWords struct {
	// status is the state as a customer reads it.
	status map[string]string
	// staffStatus overrides status for agents where the customer's word
	// would mislead them ("waiting for your answer").
	staffStatus map[string]string
	resolution  map[string]string
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
