package ticket

import (
	"testing"
	"time"
)

// TestIntentReading reads customers' answers in the four seed languages:
// what puts a confirmation in doubt never closes, and a greeting line or an
// article before the words does not hide them.
func TestIntentReading(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string
	}{
		// Failures and doubts (gap 1): never a confirmation.
		{"Het werkt niet, de export geeft nog steeds een fout.", intentFailed},
		{"Het werkt nog steeds niet", intentFailed},
		{"Opgelost? Nee.", ""},
		{"Fixed? No, still broken.", intentFailed},
		{"Confirmed: it still happens on all orders", intentFailed},
		{"It works only for NZ orders, not AU", ""},
		{"Funziona solo in parte", ""},
		{"Solved the login part, labels still fail", ""},
		{"Resolved? Not really.", ""},
		{"Gelöst, aber nur teilweise.", ""},
		{"Behoben? Nein.", ""},
		{"Risolto, ma non del tutto", ""},
		{"Opgelost, maar alleen voor de eerste gebruiker", ""},
		{"Opgelost, gedeeltelijk", ""},
		{"Erledigt, teilweise", ""},
		{"It works, partly", ""},
		{"Fixed, no.", ""},
		{"Es funktioniert nicht.", intentFailed},
		{"Die Anwendung funktioniert immer noch nicht", intentFailed},
		{"Non funziona, stesso errore", intentFailed},
		{"It doesn't work", intentFailed},
		{"Still broken after the update", intentFailed},
		{"Nachtest war nicht erfolgreich aus folgendem Grund: kein Druck", intentFailed},
		{"We thought it was resolved but no.", ""},
		{"Hi, it was resolved yesterday by itself?", ""},
		// Their positive counterparts: plain confirmations.
		{"Resolved, thanks!", intentConfirm},
		{"Fixed.", intentConfirm},
		{"It works now, thank you", intentConfirm},
		{"Confirmed, you can close it", intentConfirm},
		{"Ok, resolved", intentConfirm},
		{"Nachtest war erfolgreich.\nDanke", intentConfirm},
		{"Gelöst, vielen Dank", intentConfirm},
		{"Funktioniert wieder.", intentConfirm},
		{"Risolto, grazie", intentConfirm},
		{"Funziona ora, grazie mille", intentConfirm},
		{"Opgelost, bedankt", intentConfirm},
		{"Het werkt weer!", intentConfirm},
		{"Resolved, no further issues", intentConfirm},
		// Greeting lines and articles (gap 2).
		{"Hallo Herr Schmidt,\n\nder Nachtest war erfolgreich, vielen Dank.", intentConfirm},
		{"Hallo,\n\nNachtest war erfolgreich.", intentConfirm},
		{"Sehr geehrte Damen und Herren,\n\nder Nachtest war erfolgreich.", intentConfirm},
		{"Guten Tag\nNachtest erfolgreich", intentConfirm},
		{"Hi team,\n\nResolved, thanks.", intentConfirm},
		{"Dear support,\nthe fix works now? no: it works now", ""},
		{"Hello John,\nIt works now.", intentConfirm},
		{"Buongiorno,\nrisolto, grazie", intentConfirm},
		{"Gentile supporto,\n\nil problema è risolto", ""},
		{"Ciao Marco,\nfunziona di nuovo", ""},
		{"Beste,\n\nOpgelost, bedankt", intentConfirm},
		{"Goedemorgen,\n\nhet werkt weer.", intentConfirm},
		{"Geachte heer Jansen,\n\nHet werkt nog steeds niet.", intentFailed},
		{"Hallo,\n\nNachtest war nicht erfolgreich: weiterhin kein Druck", intentFailed},
		{"Hi team,\n\nhere are the logs you asked for.\nResolved? not yet.", ""},
		{"Hi team,\n\nhere are the logs you asked for.\n\nResolved", ""},
		{"Hello, new problem.\nResolved, the old one.", ""},
		{"Hi, it is broken again!\nResolved yesterday, broken today", ""},
		{"Hi, it is broken again!\nResolved.", ""},
		{"Sehr geehrte Damen und Herren\nNachtest war erfolgreich", intentConfirm},
		{"Hallo Herr Schmidt!\nNachtest war erfolgreich", intentConfirm},
	} {
		if got := DefaultIntents.intent(tc.text); got != tc.want {
			t.Errorf("intent(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestDoubtfulAnswersNeverClose drives the sentences of the audit through
// CustomerReply from every state a customer answers in: none closes.
func TestDoubtfulAnswersNeverClose(t *testing.T) {
	for _, text := range []string{"Het werkt niet, de export geeft nog steeds een fout.", "Opgelost? Nee.",
		"Fixed? No, still broken.", "Confirmed: it still happens on all orders", "It works only for NZ orders, not AU",
		"Funziona solo in parte", "Solved the login part, labels still fail"} {
		for _, st := range []Status{StatusInProgress, StatusWaitingCustomer, StatusResolved} {
			dec := CustomerReply(lcDesk(ReopenTicket, 0), lcTicket(st), Inbound{From: "anna@client.example", NewText: text}, lcNow)
			if dec.Ticket.Status == StatusClosed || dec.Ticket.Resolution == ResolutionConfirmedByCustomer {
				t.Errorf("%q on %s closed the ticket: %s/%s", text, st, dec.Ticket.Status, dec.Ticket.Resolution)
			}
		}
	}
}

// TestThanksKeepResolved: a thank-you to a resolved ticket reports no retest;
// it stays resolved, the mail recorded. A real answer still sends it back.
func TestThanksKeepResolved(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Status
	}{
		{"Thanks!", StatusResolved},
		{"Thank you very much for the help", StatusResolved},
		{"Vielen Dank, Herr Schmidt", StatusResolved},
		{"Grazie mille!", StatusResolved},
		{"Hartelijk bedankt!", StatusResolved},
		{"Hi Bob,\n\nthanks a lot!", StatusResolved},
		{"Thanks! Still broken though.", StatusInProgress},
		{"Thanks, but the labels are missing", StatusInProgress},
		{"Danke. Was wurde geändert?", StatusInProgress},
		{"Grazie, ma non funziona", StatusInProgress},
		{"What did you change?", StatusInProgress},
		{"Thanks, resolved", StatusClosed},
		{"Thanks Martin", StatusResolved},
		{"Thanks,\nMartin Keller", StatusResolved},
		{"Thanks, Broken again", StatusInProgress},
		{"Thanks! Same Error", StatusInProgress},
		{"Danke! Gleicher Fehler", StatusInProgress},
		{"Grazie, Errore Uguale Stampante Bloccata", StatusInProgress},
	} {
		dec := CustomerReply(lcDesk(ReopenTicket, 0), lcTicket(StatusResolved), Inbound{MessageID: "m@x", From: "anna@client.example", NewText: tc.text}, lcNow)
		if dec.Ticket.Status != tc.want {
			t.Errorf("%q: %s, want %s", tc.text, dec.Ticket.Status, tc.want)
		}
		if len(dec.Events) == 0 || dec.Events[0].Type != EventMessageAdded {
			t.Errorf("%q: the message is not recorded: %+v", tc.text, dec.Events)
		}
	}
	// Thanks to a ticket waiting for the customer is still an answer.
	dec := CustomerReply(lcDesk(ReopenTicket, 0), lcTicket(StatusWaitingCustomer), Inbound{From: "anna@client.example", NewText: "Thanks!"}, lcNow)
	if dec.Ticket.Status != StatusInProgress {
		t.Errorf("thanks while waiting: %s", dec.Ticket.Status)
	}
}

// TestReopenWindowCountsFromClosing: an out-of-office after closing does not
// restart the window (gap 6).
func TestReopenWindowCountsFromClosing(t *testing.T) {
	d := lcDesk(ReopenTicket, 14)
	closedAt := lcNow.Add(-20 * 24 * time.Hour)
	set, err := Set(d, lcTicket(StatusResolved), Change{Actor: "operator", Status: StatusClosed}, closedAt)
	if err != nil || !set.Ticket.ClosedAt.Equal(closedAt) {
		t.Fatalf("close: %v, closed at %v", err, set.Ticket.ClosedAt)
	}
	ooo := CustomerReply(d, set.Ticket, Inbound{From: "anna@client.example", NewText: "I am away", Automated: "auto-replied"},
		lcNow.Add(-10*24*time.Hour))
	if ooo.Ticket.Status != StatusClosed || !ooo.Ticket.ClosedAt.Equal(closedAt) {
		t.Fatalf("out-of-office: %s closed at %v", ooo.Ticket.Status, ooo.Ticket.ClosedAt)
	}
	dec := CustomerReply(d, ooo.Ticket, Inbound{From: "anna@client.example", NewText: "It is back"}, lcNow)
	if !dec.OpenLinked || dec.Ticket.Status != StatusClosed {
		t.Errorf("answer 20 days after closing, window 14: %s linked=%v, want a new linked ticket", dec.Ticket.Status, dec.OpenLinked)
	}
	// Within the window, counted from the closing, it reopens.
	dec = CustomerReply(d, ooo.Ticket, Inbound{From: "anna@client.example", NewText: "It is back"}, closedAt.Add(13*24*time.Hour))
	if dec.OpenLinked || dec.Ticket.Status != StatusInProgress {
		t.Errorf("answer 13 days after closing: %s linked=%v", dec.Ticket.Status, dec.OpenLinked)
	}
	// A customer's confirmation records the closing too.
	dec = CustomerReply(d, lcTicket(StatusResolved), Inbound{From: "anna@client.example", NewText: "Resolved"}, closedAt)
	if !dec.Ticket.ClosedAt.Equal(closedAt) {
		t.Errorf("confirmed close at %v", dec.Ticket.ClosedAt)
	}
}
