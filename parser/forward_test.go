package parser

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestSplitForward(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		own   string
		trail []Forwarded
	}{
		{
			name: "Gmail forward with own summary above",
			in: "Hi support,\n\nthe depot gets no labels since this morning, see below.\n\nPriya\n\n" +
				"---------- Forwarded message ---------\nFrom: Depot Hamburg <depot@acme.example>\nDate: Mon, Mar 3, 2025 at 8:02 AM\n" +
				"Subject: No labels\nTo: Priya Natarajan <priya@acme.example>\n\n\nNo label prints since 07:30.\n\nDepot Hamburg\n",
			own: "Hi support,\n\nthe depot gets no labels since this morning, see below.\n\nPriya",
			trail: []Forwarded{{From: "Depot Hamburg <depot@acme.example>", Date: "Mon, Mar 3, 2025 at 8:02 AM", Subject: "No labels",
				Text: "No label prints since 07:30.\n\nDepot Hamburg"}},
		},
		{
			name: "Outlook trail of 3 mails",
			in: "FYI, the whole thread.\n\n________________________________\n" +
				"From: Jonas Weber <j.weber@lager.example>\nSent: Monday, March 3, 2025 11:00 AM\nTo: Priya Natarajan <priya@acme.example>\nSubject: RE: RE: Scanner\n\nStill broken.\n\n" +
				"From: Priya Natarajan <priya@acme.example>\nSent: Monday, March 3, 2025 10:30 AM\nTo: Jonas Weber <j.weber@lager.example>\nSubject: RE: Scanner\n\nDid you restart it?\n\n" +
				"-----Original Message-----\nFrom: Weber, Jonas\nSent: Monday, March 3, 2025 10:00 AM\nTo: Natarajan, Priya\nCc: Depot\nSubject: Scanner\nImportance: High\n\nThe scanner is dead.\n",
			own: "FYI, the whole thread.",
			trail: []Forwarded{
				{From: "Jonas Weber <j.weber@lager.example>", Date: "Monday, March 3, 2025 11:00 AM", Subject: "RE: RE: Scanner", Text: "Still broken."},
				{From: "Priya Natarajan <priya@acme.example>", Date: "Monday, March 3, 2025 10:30 AM", Subject: "RE: Scanner", Text: "Did you restart it?"},
				{From: "Weber, Jonas", Date: "Monday, March 3, 2025 10:00 AM", Subject: "Scanner", Text: "The scanner is dead."},
			},
		},
		{
			name: "Apple Mail: Begin forwarded message, quoted with >",
			in: "See below.\n\nSent from my iPhone\n\nBegin forwarded message:\n\n> From: Depot Hamburg <depot@acme.example>\n> Subject: No labels\n" +
				"> Date: 3 March 2025 at 08:02:45 CET\n> To: Priya Natarajan <priya@acme.example>\n> \n> No label prints since 07:30.\n> \n> Depot\n",
			own: "See below.\n\nSent from my iPhone",
			trail: []Forwarded{{From: "Depot Hamburg <depot@acme.example>", Date: "3 March 2025 at 08:02:45 CET", Subject: "No labels",
				Text: "No label prints since 07:30.\n\nDepot"}},
		},
		{
			name: "Apple Mail in German, not quoted",
			in: "Zur Info.\n\nAnfang der weitergeleiteten Nachricht:\n\nVon: Lager Hamburg <lager@acme.example>\nBetreff: Keine Etiketten\n" +
				"Datum: 3. März 2025 um 08:02:45 MEZ\nAn: Priya <priya@acme.example>\n\nSeit 07:30 kein Etikett.",
			own:   "Zur Info.",
			trail: []Forwarded{{From: "Lager Hamburg <lager@acme.example>", Date: "3. März 2025 um 08:02:45 MEZ", Subject: "Keine Etiketten", Text: "Seit 07:30 kein Etikett."}},
		},
		{
			name: "Thunderbird German forward starting with Betreff, forwarding a forward",
			in: "-------- Weitergeleitete Nachricht --------\nBetreff: WG: Scanner\nDatum: Mon, 3 Mar 2025 11:00:00 +0100\nVon: Jonas Weber <j.weber@lager.example>\n" +
				"An: Priya <priya@acme.example>\n\nSiehe unten.\n\n---------- Weitergeleitete Nachricht ----------\nVon: Depot <depot@acme.example>\n" +
				"Datum: Mo., 3. März 2025 um 10:00 Uhr\nBetreff: Scanner\nAn: Jonas Weber <j.weber@lager.example>\n\nDer Scanner ist defekt.",
			own: "",
			trail: []Forwarded{
				{From: "Jonas Weber <j.weber@lager.example>", Date: "Mon, 3 Mar 2025 11:00:00 +0100", Subject: "WG: Scanner", Text: "Siehe unten."},
				{From: "Depot <depot@acme.example>", Date: "Mo., 3. März 2025 um 10:00 Uhr", Subject: "Scanner", Text: "Der Scanner ist defekt."},
			},
		},
		{
			name: "Italian Apple Mail with wrapped From",
			in: "Inoltro.\n\nInizio messaggio inoltrato:\n\nDa: Magazzino Milano\n<magazzino@cliente.example>\nOggetto: Etichette\nData: 3 marzo 2025 08:02:45 CET\n" +
				"A: Marco <marco@cliente.example>\n\nNessuna etichetta.",
			own:   "Inoltro.",
			trail: []Forwarded{{From: "Magazzino Milano <magazzino@cliente.example>", Date: "3 marzo 2025 08:02:45 CET", Subject: "Etichette", Text: "Nessuna etichetta."}},
		},
		{
			name: "Dutch marker without a header keeps the text",
			in:   "Kijk even.\n\n-----Doorgestuurd bericht-----\nDe printer is stuk.",
			own:  "Kijk even.",
			trail: []Forwarded{{
				Text: "De printer is stuk.",
			}},
		},
		{
			name: "On <date> wrote: quotes stay in the forwarded mail",
			in: "---------- Forwarded message ---------\nFrom: Depot <depot@acme.example>\nDate: Mon, Mar 3, 2025\nSubject: Re: labels\nTo: Priya <priya@acme.example>\n\n" +
				"Still nothing.\n\nOn Sun, Mar 2, 2025 at 9:00 PM Priya <priya@acme.example> wrote:\n> Any labels?",
			own: "",
			trail: []Forwarded{{From: "Depot <depot@acme.example>", Date: "Mon, Mar 3, 2025", Subject: "Re: labels",
				Text: "Still nothing.\n\nOn Sun, Mar 2, 2025 at 9:00 PM Priya <priya@acme.example> wrote:\n> Any labels?"}},
		},
		{
			name:  "no forward: own is the text, trail nil",
			in:    "Labels do not print since 08:30.\n\nFrom: the depot, not the office.\n",
			own:   "Labels do not print since 08:30.\n\nFrom: the depot, not the office.\n",
			trail: nil,
		},
		{
			name:  "empty",
			in:    "",
			own:   "",
			trail: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own, trail := SplitForward(tt.in)
			if own != tt.own {
				t.Errorf("own = %q, want %q", own, tt.own)
			}
			if !reflect.DeepEqual(trail, tt.trail) {
				t.Errorf("trail\n got %#v\nwant %#v", trail, tt.trail)
			}
		})
	}
}

// An Outlook trail of 20 mails gives 20 Forwarded, in order, each with its
// own header fields.
func TestSplitForwardLongTrail(t *testing.T) {
	var b strings.Builder
	b.WriteString("Summary: the printer thread.\n\n")
	for i := 20; i >= 1; i-- {
		fmt.Fprintf(&b, "From: Person %d <p%d@acme.example>\nSent: Monday, March 3, 2025 %d:00 AM\nTo: Support\nSubject: RE: printer %d\n\nMessage %d.\n\n", i, i, i%12+1, i, i)
	}
	own, trail := SplitForward(b.String())
	if own != "Summary: the printer thread." {
		t.Errorf("own = %q", own)
	}
	if len(trail) != 20 {
		t.Fatalf("got %d mails, want 20: %#v", len(trail), trail)
	}
	for k, f := range trail {
		i := 20 - k
		want := Forwarded{From: fmt.Sprintf("Person %d <p%d@acme.example>", i, i), Date: fmt.Sprintf("Monday, March 3, 2025 %d:00 AM", i%12+1),
			Subject: fmt.Sprintf("RE: printer %d", i), Text: fmt.Sprintf("Message %d.", i)}
		if f != want {
			t.Errorf("mail %d = %#v, want %#v", k, f, want)
		}
	}
}
