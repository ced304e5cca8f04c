package gateway

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"postdesk/store"
	"postdesk/ticket"
)

// TestParticipantsSameOrganisationOverSMTP: a SERA-style new ticket that
// copies a key user, one of the desk's agents and someone of another
// organisation, under "same_organisation": the key user takes part, the
// organisation's manager and the stranger are refused with the reason in
// the history, and the agent is neither a participant nor refused.
func TestParticipantsSameOrganisationOverSMTP(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.Participants = ticket.ParticipantsSameOrganisation
	cfg.Orgs = []ticket.Org{{Name: "School", Domains: []string{"school.example"}, Manager: "am@desk.example"}}
	cfg.Users = []ticket.User{{Email: "sanne@school.example", Org: "School", Role: ticket.RoleCustomer},
		{Email: "marco@desk.example", Role: ticket.RoleAgent}}
	d := startDesk(t, cfg, false)
	raw := crlf("From: sanne@school.example\nTo: support@desk.example\n" +
		"Cc: keyuser@school.example, marco@desk.example, am@desk.example, stranger@other.example\n" +
		"Subject: Export werkt niet\nMessage-ID: <s1@school.example>\n\nDe export geeft een fout.\n")
	if _, err := send(t, d.Addr(), "sanne@school.example", []string{"support@desk.example"}, raw); err != nil {
		t.Fatal(err)
	}
	tk := status(t, d, 1)
	if !slices.Equal(tk.Participants, []string{"keyuser@school.example"}) {
		t.Errorf("participants = %v", tk.Participants)
	}
	var kept []string
	for _, e := range tk.Events {
		if e.Type == ticket.EventParticipant {
			kept = append(kept, e.Reason)
		}
	}
	joined := strings.Join(kept, "\n")
	if len(kept) != 2 || !strings.Contains(joined, "stranger@other.example") || !strings.Contains(joined, "am@desk.example") ||
		strings.Contains(joined, "marco@desk.example") {
		t.Errorf("refusals recorded: %q; want the stranger's and the manager's, none for the agent", kept)
	}
}

// TestParticipantsPolicyConfig: desk.participants takes the three policies
// and names them when it gets another value.
func TestParticipantsPolicyConfig(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"anyone", ""}, {"organisation", ""}, {"same_organisation", ""},
		{"org", "desk.participants: \"org\" must be one of anyone, organisation, same_organisation"},
	} {
		path := filepath.Join(t.TempDir(), "postdesk.toml")
		if err := os.WriteFile(path, []byte("[desk]\nparticipants = \""+tc.value+"\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadConfig(path)
		switch {
		case tc.want == "" && (err != nil || cfg.Desk.Participants != tc.value):
			t.Errorf("%s: %v (%q)", tc.value, err, cfg.Desk.Participants)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %q", tc.value, err, tc.want)
		}
	}
}

// TestParticipantsFromToAndCc: people a customer writes to beside the desk
// (To:) take part like those copied (Cc:); under "anyone" too, the desk's
// own agents copied on the mail are no participants and no refusal is
// recorded for them.
func TestParticipantsFromToAndCc(t *testing.T) {
	cfg := testConfig(t)
	cfg.Users = []ticket.User{{Email: "marco@desk.example", Role: ticket.RoleAgent}}
	d := startDesk(t, cfg, false)
	raw := crlf("From: anna@client.example\nTo: support@desk.example, Colleague <Tom@Client.example>\n" +
		"Cc: carl@client.example, marco@desk.example\n" +
		"Subject: Labels\nMessage-ID: <tocc@client.example>\n\nNo labels print.\n")
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, raw); err != nil {
		t.Fatal(err)
	}
	tk := status(t, d, 1)
	if !slices.Equal(tk.Participants, []string{"carl@client.example", "tom@client.example"}) {
		t.Errorf("participants = %v, want carl (Cc) and tom (To)", tk.Participants)
	}
	for _, e := range tk.Events {
		if e.Type == ticket.EventParticipant {
			t.Errorf("a refusal was recorded: %q", e.Reason)
		}
	}
}

// TestFollowUpCarriesPeopleThroughThePolicy: a new ticket that follows a
// closed one carries over its requester's colleagues, but only those the
// policy admits today: one who has since become an agent of the desk is
// left out (silently: staff get the ticket's mail through the matrix).
func TestFollowUpCarriesPeopleThroughThePolicy(t *testing.T) {
	cfg := testConfig(t)
	cfg.Desk.Reopen = ticket.NewLinked
	d := startDesk(t, cfg, false)
	first := crlf("From: anna@client.example\nTo: support@desk.example\nCc: carl@client.example, dora@client.example\n" +
		"Subject: Labels\nMessage-ID: <f1@client.example>\n\nNo labels print.\n")
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, first); err != nil {
		t.Fatal(err)
	}
	d.set(t, "TKT-1", ticket.Change{Assignee: "agent@desk.example"})
	d.set(t, "TKT-1", ticket.Change{Status: ticket.StatusClosed})
	if err := d.Store.Write(context.Background(), func(tx *store.Tx) error {
		return tx.PutUser(ticket.User{Email: "carl@client.example", Role: ticket.RoleAgent}, d.clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
	again := crlf("From: anna@client.example\nTo: support@desk.example\nSubject: Re: [TKT-1] Labels\n" +
		"Message-ID: <f2@client.example>\nIn-Reply-To: <f1@client.example>\n\nIt is back.\n")
	if _, err := send(t, d.Addr(), "anna@client.example", []string{"support@desk.example"}, again); err != nil {
		t.Fatal(err)
	}
	tk := status(t, d, 2)
	if !slices.Equal(tk.Linked, []string{"TKT-1"}) || !slices.Equal(tk.Participants, []string{"dora@client.example"}) {
		t.Fatalf("TKT-2 linked %v participants %v, want TKT-1 and dora only", tk.Linked, tk.Participants)
	}
	for _, e := range tk.Events {
		if e.Type == ticket.EventParticipant {
			t.Errorf("a refusal was recorded for staff: %q", e.Reason)
		}
	}
}
