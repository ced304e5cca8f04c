package ticket

import (
	"maps"
	"slices"
	"strings"
)

// Words maps each command word or phrase (lower case, single spaces) to the
// command it names. Build it with CommandWords.
type Words map[string]Cmd

// commandWords are the words of each language, by command. English is
// always understood; a desk adds its other languages (desk.command_languages).
var commandWords = map[string]map[Cmd][]string{
	"en": {
		CmdTicket: {"ticket"}, CmdThanks: {"thanks", "thank you", "thankyou", "quit", "stop", "end"},
		CmdStatus: {"status", "state"}, CmdAssign: {"assign"}, CmdSeverity: {"severity", "sev"},
		CmdPriority: {"priority", "urgency"}, CmdCategory: {"category"}, CmdDepartment: {"department"},
		CmdResolution: {"resolution"}, CmdLink: {"link"}, CmdMerge: {"merge", "duplicate of"},
		CmdParticipant: {"participant"}, CmdShare: {"share", "cc"}, CmdUnshare: {"unshare", "uncc"},
		CmdNote: {"note", "internal"}, CmdResolved: {"resolved", "confirm", "confirmed", "solved", "retest passed", "close"},
		CmdFailed: {"failed", "retest failed", "not resolved"}, CmdCancel: {"cancel", "withdraw"},
		CmdEscalate: {"escalate"}, CmdList: {"list", "tickets", "overview"}, CmdReopen: {"reopen"},
	},
	"de": {
		CmdTicket: {"vorgang"}, CmdThanks: {"danke", "ende"},
		CmdStatus: {"stand"}, CmdAssign: {"zuweisen"}, CmdSeverity: {"schweregrad"},
		CmdPriority: {"priorität", "dringlichkeit"}, CmdCategory: {"kategorie"}, CmdDepartment: {"abteilung"},
		CmdResolution: {"lösung", "ergebnis"}, CmdLink: {"verknüpfen"}, CmdMerge: {"zusammenführen", "duplikat von"},
		CmdParticipant: {"teilnehmer"}, CmdShare: {"teilen"}, CmdUnshare: {"nicht teilen", "nicht mehr teilen"},
		CmdNote: {"notiz", "intern"}, CmdResolved: {"erledigt", "gelöst", "bestätigt", "nachtest erfolgreich", "nachtest war erfolgreich", "schließen", "schliessen"},
		CmdFailed: {"nachtest nicht erfolgreich", "nachtest war nicht erfolgreich", "nachtest fehlgeschlagen", "nicht erledigt"},
		CmdCancel: {"stornieren", "abbrechen", "zurückziehen"}, CmdEscalate: {"eskalieren"},
		CmdList: {"liste", "übersicht"}, CmdReopen: {"wiedereröffnen", "wieder öffnen"},
	},
	"it": {
		CmdTicket: {"richiesta"}, CmdThanks: {"grazie", "fine"},
		CmdStatus: {"stato"}, CmdAssign: {"assegna"}, CmdSeverity: {"gravità", "severità"},
		CmdPriority: {"priorità", "urgenza"}, CmdCategory: {"categoria"}, CmdDepartment: {"reparto"},
		CmdResolution: {"esito", "risoluzione"}, CmdLink: {"collega"}, CmdMerge: {"unisci", "duplicato di"},
		CmdParticipant: {"partecipante"}, CmdShare: {"condividi"}, CmdUnshare: {"non condividere", "rimuovi"},
		CmdNote: {"nota", "interno"}, CmdResolved: {"risolto", "confermo", "chiudi", "test superato"},
		CmdFailed: {"non risolto", "test fallito", "test non superato"}, CmdCancel: {"annulla", "ritira"},
		CmdEscalate: {"sollecita", "escalation"}, CmdList: {"elenco", "lista"}, CmdReopen: {"riapri"},
	},
	"nl": {
		CmdTicket: {"melding"}, CmdThanks: {"bedankt", "dank", "einde"},
		CmdStatus: {"stand"}, CmdAssign: {"toewijzen"}, CmdSeverity: {"ernst"},
		CmdPriority: {"prioriteit", "urgentie"}, CmdCategory: {"categorie"}, CmdDepartment: {"afdeling"},
		CmdResolution: {"uitkomst", "oplossing"}, CmdLink: {"koppelen"}, CmdMerge: {"samenvoegen", "duplicaat van"},
		CmdParticipant: {"deelnemer"}, CmdShare: {"delen"}, CmdUnshare: {"niet delen", "niet meer delen"},
		CmdNote: {"notitie", "intern"}, CmdResolved: {"opgelost", "bevestigd", "sluiten", "hertest geslaagd"},
		CmdFailed: {"niet opgelost", "hertest mislukt", "hertest niet geslaagd"}, CmdCancel: {"annuleren", "intrekken"},
		CmdEscalate: {"escaleren"}, CmdList: {"lijst", "overzicht"}, CmdReopen: {"heropenen"},
	},
}

// CommandWords are the command words of English and of langs (any of
// Languages; unknown ones add nothing).
func CommandWords(langs []string) Words {
	w := Words{}
	for _, l := range append([]string{"en"}, langs...) {
		for cmd, words := range commandWords[l] {
			for _, word := range words {
				if _, taken := w[word]; !taken {
					w[word] = cmd
				}
			}
		}
	}
	return w
}

// Spellings lists the words that name cmd, sorted, for the sentences that
// say what would be accepted.
func (w Words) Spellings(cmd Cmd) []string {
	var out []string
	for word, c := range w {
		if c == cmd {
			out = append(out, "#"+word)
		}
	}
	slices.Sort(out)
	return out
}

// Known lists one spelling of every command, in English, sorted.
func (w Words) Known() []string {
	var out []string
	for _, cmd := range slices.Sorted(maps.Keys(commandWords["en"])) {
		out = append(out, "#"+commandWords["en"][cmd][0])
	}
	return out
}

// statusWords are the spellings of each state an agent may write after
// #status, besides its own name ("in progress", "in-progress").
var statusWords = map[string]Status{
	"open": StatusInProgress, "working": StatusInProgress, "hold": StatusWaitingCustomer, "on hold": StatusWaitingCustomer,
	"waiting": StatusWaitingCustomer, "pending": StatusWaitingCustomer, "feedback": StatusWaitingCustomer,
	"rückmeldung": StatusWaitingCustomer, "in bearbeitung": StatusInProgress, "in lavorazione": StatusInProgress,
	"in behandeling": StatusInProgress, "canceled": StatusCancelled, "done": StatusResolved,
}

// readStatus reads a state as an agent writes it after #status: its name
// with spaces or hyphens for underscores ("in progress"), or one of a few
// common words ("on hold", "pending"); ok is false for anything else.
func readStatus(s string) (Status, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if st, ok := statusWords[s]; ok {
		return st, true
	}
	st := Status(strings.NewReplacer(" ", "_", "-", "_").Replace(s))
	return st, slices.Contains(Statuses, st)
}
