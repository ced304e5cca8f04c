package ticket

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestApplyCommands(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	desk := Desk{Prefix: "TKT", Address: "support@desk.example", DefaultSeverity: 3, MaxSeverity: 3,
		Reopen: ReopenPolicy{Mode: NewLinked}, Priorities: []string{"low", "high"}, Departments: []string{"Support", "Billing"}}
	agent := Sender{Email: "bob@desk.example", User: &User{Email: "bob@desk.example", Role: RoleAgent}, Proof: ProofSubmission}
	anna := Sender{Email: "anna@client.example", Proof: ProofToken}
	carl := Sender{Email: "carl@client.example", Proof: ProofToken}
	org := &Org{Name: "Client", Domains: []string{"client.example"}, Manager: "am@desk.example"}
	facts := Facts{Users: map[string]*User{"bob@desk.example": agent.User}, Org: org, Participants: ParticipantsOrganisation,
		Tickets: map[string]Ticket{"TKT-2": {ID: 2, Ref: "TKT-2", Status: StatusNew}}}
	base := Ticket{ID: 1, Ref: "TKT-1", Status: StatusNew, Requester: "anna@client.example", Severity: 3,
		Participants: []string{"carl@client.example"}, Linked: []string{}}
	w := CommandWords([]string{"de"})
	cases := []struct {
		name    string
		status  Status
		s       Sender
		text    string
		ok      bool
		check   func(t *testing.T, a Applied)
		mention string // a sentence of the transcript
	}{
		{name: "a value is matched without regard to case and kept as the desk spells it", s: agent,
			text: "#department support", ok: true,
			check: func(t *testing.T, a Applied) {
				if a.Ticket.Department != "Support" {
					t.Fatalf("department %q", a.Ticket.Department)
				}
			}},
		{name: "agent works the ticket", s: agent, text: "#assign me\n#severity 1\n#priority high\n#status in progress", ok: true,
			check: func(t *testing.T, a Applied) {
				tk := a.Ticket
				if tk.Assignee != "bob@desk.example" || tk.Severity != 1 || tk.Priority != "high" || tk.Status != StatusInProgress {
					t.Fatalf("ticket %+v", tk)
				}
			}},
		{name: "agent note is internal", s: agent, text: "#note called them", ok: true,
			check: func(t *testing.T, a Applied) {
				if !a.Internal || a.Events[0].Type != EventNote {
					t.Fatalf("%+v", a)
				}
			}},
		{name: "mixed good and bad changes nothing", s: agent, text: "#assign me\n#severity 7\n#status resolved",
			mention: "severity must be a number from 1 to 3"},
		{name: "unknown command says what is accepted", s: agent, text: "#frobnicate", mention: "#assign"},
		{name: "customer may not assign", s: anna, text: "#assign me", mention: "for agents; customers may use"},
		{name: "unproven sender", s: Sender{Email: "anna@client.example"}, text: "#resolved", mention: "could not prove"},
		{name: "stranger", s: Sender{Email: "eve@evil.example", Proof: ProofDKIM}, text: "#status", mention: "not the requester"},
		{name: "customer confirms", status: StatusResolved, s: anna, text: "#erledigt", ok: true,
			check: func(t *testing.T, a Applied) {
				if a.Ticket.Status != StatusClosed || a.Ticket.Resolution != ResolutionConfirmedByCustomer {
					t.Fatalf("%+v", a.Ticket)
				}
			}},
		{name: "retest failed", status: StatusResolved, s: carl, text: "#retest failed", ok: true,
			check: func(t *testing.T, a Applied) {
				if a.Ticket.Status != StatusInProgress || a.Ticket.Resolution != "" {
					t.Fatalf("%+v", a.Ticket)
				}
			}},
		{name: "failed needs a resolution", s: anna, text: "#failed", mention: "not resolved"},
		{name: "only the requester cancels", s: carl, text: "#cancel", mention: "only the requester"},
		{name: "requester cancels", s: anna, text: "#cancel found it myself", ok: true,
			check: func(t *testing.T, a Applied) {
				if a.Ticket.Status != StatusCancelled || a.Ticket.Resolution != ResolutionCancelled {
					t.Fatalf("%+v", a.Ticket)
				}
			}},
		{name: "escalate flags the ticket", s: carl, text: "#escalate all orders affected", ok: true,
			check: func(t *testing.T, a Applied) {
				if a.Ticket.Escalated == nil || a.Ticket.EscalationReason != "all orders affected" ||
					ChangesOf(a.Events) != (Changes{Escalated: true, EscalationReason: "all orders affected", EscalatedBy: "carl@client.example"}) {
					t.Fatalf("%+v", a)
				}
			}},
		{name: "escalate needs a reason", s: anna, text: "#escalate", mention: "say why"},
		{name: "share within the organisation", s: anna, text: "#share dora@client.example\n#unshare carl@client.example", ok: true,
			check: func(t *testing.T, a Applied) {
				if !slices.Equal(a.Ticket.Participants, []string{"dora@client.example"}) {
					t.Fatalf("%v", a.Ticket.Participants)
				}
			}},
		{name: "share outside the organisation refused", s: anna, text: "#share eve@evil.example", mention: "not of Client"},
		{name: "sharing an agent says staff are no participants", s: anna, text: "#share bob@desk.example", mention: "works for the desk"},
		{name: "the organisation's manager may be shared", s: anna, text: "#share am@desk.example", ok: true,
			check: func(t *testing.T, a Applied) {
				if !slices.Contains(a.Ticket.Participants, "am@desk.example") {
					t.Fatalf("participants %v", a.Ticket.Participants)
				}
			}},
		{name: "participant removes only themselves", s: carl, text: "#unshare anna@client.example", mention: "you may remove yourself"},
		{name: "status and list report", s: carl, text: "#status\n#list", ok: true,
			check: func(t *testing.T, a Applied) {
				if !a.List || len(a.Events) != 0 || !strings.Contains(a.Results[0].Text, "TKT-1 is new") {
					t.Fatalf("%+v", a)
				}
			}},
		{name: "merge closes as duplicate", s: agent, text: "#merge tkt-2", ok: true,
			check: func(t *testing.T, a Applied) {
				if a.Ticket.Status != StatusClosed || a.Ticket.Resolution != ResolutionDuplicate || !slices.Equal(a.Linked, []string{"TKT-2"}) {
					t.Fatalf("%+v", a)
				}
			}},
		{name: "link to a missing ticket", s: agent, text: "#link TKT-9", mention: "there is no ticket TKT-9"},
		{name: "closed ticket is not reopened here", status: StatusClosed, s: anna, text: "#reopen", mention: "cannot be reopened"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := base
			if c.status != "" {
				tk.Status = c.status
			}
			b := ReadCommands(c.text, w)
			a := ApplyCommands(desk, tk, c.s, b.Commands, facts, w, now)
			if a.OK != c.ok {
				t.Fatalf("OK = %v, want %v: %+v", a.OK, c.ok, a.Results)
			}
			if !c.ok {
				if a.Ticket.Status != tk.Status || len(a.Events) != 0 || a.Internal {
					t.Fatalf("refused commands left changes: %+v", a)
				}
				for _, r := range a.Results {
					if r.Done {
						t.Fatalf("a line reported done in a refused mail: %+v", r)
					}
				}
			}
			if c.mention != "" && !slices.ContainsFunc(a.Results, func(r Result) bool { return strings.Contains(r.Text, c.mention) }) {
				t.Fatalf("no result mentions %q: %+v", c.mention, a.Results)
			}
			if c.check != nil {
				c.check(t, a)
			}
		})
	}
}
