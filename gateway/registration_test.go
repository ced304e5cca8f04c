package gateway

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"postdesk/store"
	"postdesk/ticket"
)

func mailFrom(from string, n int) []byte {
	return crlf(fmt.Sprintf("From: %s\nTo: support@desk.example\nSubject: labels not printing\nMessage-ID: <reg%d@x.example>\n\nhelp\n", from, n))
}

// Replica: only registered users may open tickets; a refused sender is told
// why and how to register, and nothing is opened or kept.
func TestRegisteredOnly(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.Registration = ticket.RegistrationRegistered
	cfg.Desk.RegistrationHelp = "Call +39 0376 346411 or write to centralino@replica.example to register."
	cfg.Users = []ticket.User{{Email: "Giulia@Client.example", Name: "Giulia", Org: "Client", Role: ticket.RoleCustomer, Lang: "it"}}
	d := startDesk(t, cfg, false)
	ctx := context.Background()

	_, err := send(t, d.Addr(), "mario@client.example", []string{"support@desk.example"}, mailFrom("mario@client.example", 1))
	if smtpCode(err) != "550 5.7.1" || !strings.Contains(err.Error(), "centralino@replica.example") ||
		!strings.Contains(err.Error(), "mario@client.example") {
		t.Fatalf("unregistered sender: %v, want 550 5.7.1 saying how to register", err)
	}
	if raws, _ := d.Store.RawMessages(ctx, ""); len(raws) != 0 {
		t.Fatalf("a refused mail was kept: %+v", raws)
	}
	opening := crlf("From: giulia@client.example\nTo: support@desk.example\nCc: mario@client.example\nSubject: labels not printing\nMessage-ID: <reg2@x.example>\n\nhelp\n")
	if _, err := send(t, d.Addr(), "giulia@client.example", []string{"support@desk.example"}, opening); err != nil {
		t.Fatalf("registered user refused: %v", err)
	}
	// An unregistered participant may still answer on an existing ticket.
	answer := crlf("From: mario@client.example\nTo: support@desk.example\nSubject: Re: [TKT-1] labels\nMessage-ID: <reg3@x.example>\n\nsame here\n")
	if _, err := send(t, d.Addr(), "mario@client.example", []string{"support@desk.example"}, answer); err != nil {
		t.Fatalf("answer on an existing ticket refused: %v", err)
	}
	if list, _ := d.Store.ListTickets(ctx, store.TicketFilter{}); len(list) != 1 {
		t.Fatalf("%d tickets, want 1", len(list))
	}
}

func TestRegistrationByDomain(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.Registration = ticket.RegistrationDomains
	cfg.Orgs = []ticket.Org{{Name: "Client", Domains: []string{"client.example"}, Manager: "pm@desk.example"}}
	d := startDesk(t, cfg, false)
	if _, err := send(t, d.Addr(), "anyone@client.example", []string{"support@desk.example"}, mailFrom("anyone@client.example", 1)); err != nil {
		t.Fatalf("sender from an organisation's domain refused: %v", err)
	}
	_, err := send(t, d.Addr(), "eve@elsewhere.example", []string{"support@desk.example"}, mailFrom("eve@elsewhere.example", 2))
	if smtpCode(err) != "550 5.7.1" || !strings.Contains(err.Error(), "its domain belongs to no customer organisation") ||
		strings.Contains(err.Error(), "only registered users") {
		t.Fatalf("stranger: %v, want the domains policy's reason", err)
	}
}

// Replica: participants only from the requester's organisation or its
// project manager; the history says who was kept out and why.
func TestParticipantsLimitedToOrganisation(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.Participants = ticket.ParticipantsOrganisation
	cfg.Orgs = []ticket.Org{{Name: "Client", Domains: []string{"client.example"}, Manager: "pm@replica.example"}}
	d := startDesk(t, cfg, false)
	raw := crlf("From: giulia@client.example\nTo: support@desk.example\n" +
		"Cc: luca@client.example, pm@replica.example, stranger@other.example\nSubject: stampa\nMessage-ID: <p1@x.example>\n\naiuto\n")
	if _, err := send(t, d.Addr(), "giulia@client.example", []string{"support@desk.example"}, raw); err != nil {
		t.Fatal(err)
	}
	tk := status(t, d, 1)
	if strings.Join(tk.Participants, ",") != "luca@client.example,pm@replica.example" {
		t.Errorf("participants = %v", tk.Participants)
	}
	found := false
	for _, e := range tk.Events {
		if e.Type == ticket.EventParticipant && strings.Contains(e.Reason, "stranger@other.example") {
			found = true
		}
	}
	if !found {
		t.Errorf("no event says why stranger@other.example was kept out: %+v", tk.Events)
	}
}

// A desk that does not take copied addresses as participants keeps them out.
func TestCCParticipantsOff(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.CCParticipants = false
	d := startDesk(t, cfg, false)
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, crlf(firstMail)); err != nil {
		t.Fatal(err)
	}
	if tk := status(t, d, 1); len(tk.Participants) != 0 {
		t.Errorf("participants = %v", tk.Participants)
	}
}
