package gateway

import (
	"testing"

	"postdesk/ticket"
)

// TestDeskSEMCOSalutations: SEMCO customers write business mail; a salutation
// line does not hide "Nachtest war erfolgreich", nor its failure, and a plain
// thank-you to a resolved ticket leaves it waiting for the retest.
func TestDeskSEMCOSalutations(t *testing.T) {
	d := exampleDesk(t, "semco")
	const from, subject = "j.mueller@kunde.example", "AW: [SEMCO-1] Etikettendruck"
	d.mustMail(t, from, "m1", "Etikettendruck", "", "Kategorie: Fehler\nPriorität: Hoch\nBeschreibung: Seit heute früh kein Druck.")
	d.set(t, "SEMCO-1", ticket.Change{Assignee: "bearbeiter@semcosoft.example"})
	d.set(t, "SEMCO-1", ticket.Change{Status: ticket.StatusWaitingCustomer, Note: "bitte im Testsystem prüfen"})
	d.mustMail(t, from, "m2", subject, "", "Hallo Herr Schmidt,\n\nder Nachtest war nicht erfolgreich: weiterhin kein Druck.")
	wantState(t, d.ticket(t, "SEMCO-1"), ticket.StatusInProgress, "")
	d.set(t, "SEMCO-1", ticket.Change{Status: ticket.StatusResolved})
	d.mustMail(t, from, "m3", subject, "", "Vielen Dank!")
	wantState(t, d.ticket(t, "SEMCO-1"), ticket.StatusResolved, ticket.ResolutionFixed)
	d.mustMail(t, from, "m4", subject, "", "Sehr geehrte Damen und Herren,\n\nder Nachtest war erfolgreich, vielen Dank.")
	tk := d.ticket(t, "SEMCO-1")
	wantState(t, tk, ticket.StatusClosed, ticket.ResolutionConfirmedByCustomer)
	if len(tk.Messages) < 4 || tk.Assignee != "bearbeiter@semcosoft.example" {
		t.Errorf("%d messages, assignee %q", len(tk.Messages), tk.Assignee)
	}
}

// TestDeskSERADoesNotCloseOnFailure: "Het werkt niet, de export geeft nog
// steeds een fout." to a ticket waiting for the customer sends it back to
// work; it never closes it as confirmed.
func TestDeskSERADoesNotCloseOnFailure(t *testing.T) {
	d := exampleDesk(t, "sera")
	const from, subject = "j.devries@school.example", "Re: [SERA-1] Rooster exporteren"
	d.mustMail(t, from, "n1", "Rooster exporteren", "", "Urgentie: Hoog\nAfdeling: SERA Datawijzer\nProbleemstelling: De export faalt.")
	d.set(t, "SERA-1", ticket.Change{Status: ticket.StatusWaitingCustomer})
	d.mustMail(t, from, "n2", subject, "", "Beste,\n\nHet werkt niet, de export geeft nog steeds een fout.")
	wantState(t, d.ticket(t, "SERA-1"), ticket.StatusInProgress, "")
	d.set(t, "SERA-1", ticket.Change{Status: ticket.StatusWaitingCustomer})
	d.mustMail(t, from, "n3", subject, "", "Opgelost? Nee.")
	wantState(t, d.ticket(t, "SERA-1"), ticket.StatusInProgress, "")
	d.set(t, "SERA-1", ticket.Change{Status: ticket.StatusWaitingCustomer})
	d.mustMail(t, from, "n4", subject, "", "Beste,\n\nOpgelost, bedankt!")
	wantState(t, d.ticket(t, "SERA-1"), ticket.StatusClosed, ticket.ResolutionConfirmedByCustomer)
}
