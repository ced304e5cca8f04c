package ticket

import (
	"slices"
	"strings"
	"testing"
)

func TestMayParticipate(t *testing.T) {
	org := &Org{Name: "Cliente SpA", Domains: []string{"cliente.example"}, Manager: "pm@replica.example"}
	colleague := &User{Email: "luca@other.example", Org: "Cliente SpA", Role: RoleCustomer}
	agent := &User{Email: "marco@replica.example", Role: RoleAgent}
	manager := &User{Email: "boss@replica.example", Role: RoleManager}
	pmStaff := &User{Email: "pm@replica.example", Role: RoleManager}
	for _, tc := range []struct {
		policy, candidate string
		user              *User
		org               *Org
		want              bool
		reason            string // "" for none; the refusal contains it
	}{
		{ParticipantsAnyone, "x@anywhere.example", nil, nil, true, ""},
		{ParticipantsAnyone, "marco@replica.example", agent, org, false, ""},
		{ParticipantsOrganisation, "anna@cliente.example", nil, org, true, ""},
		{ParticipantsOrganisation, "luca@other.example", colleague, org, true, ""},
		{ParticipantsOrganisation, "PM@Replica.example", nil, org, true, ""},
		{ParticipantsOrganisation, "pm@replica.example", pmStaff, org, true, ""},
		{ParticipantsOrganisation, "x@other.example", nil, org, false, "nor its manager"},
		{ParticipantsOrganisation, "x@other.example", nil, nil, false, "no known organisation"},
		{ParticipantsOrganisation, "marco@replica.example", agent, org, false, ""},
		{ParticipantsOrganisation, "boss@replica.example", manager, org, false, ""},
		{ParticipantsSameOrganisation, "anna@cliente.example", nil, org, true, ""},
		{ParticipantsSameOrganisation, "luca@other.example", colleague, org, true, ""},
		{ParticipantsSameOrganisation, "pm@replica.example", nil, org, false, "only people of the requester's organisation"},
		{ParticipantsSameOrganisation, "x@other.example", nil, org, false, "only people of the requester's organisation"},
		{ParticipantsSameOrganisation, "marco@replica.example", agent, org, false, ""},
		{ParticipantsSameOrganisation, "anna@cliente.example", nil, nil, false, "no known organisation"},
	} {
		ok, why := MayParticipate(tc.policy, tc.org, tc.candidate, tc.user)
		if ok != tc.want || (tc.reason == "" && why != "") || (tc.reason != "" && !strings.Contains(why, tc.reason)) {
			t.Errorf("%s %s: %v %q, want %v %q", tc.policy, tc.candidate, ok, why, tc.want, tc.reason)
		}
	}
}

// TestOpenParticipants: To: addresses besides the desk's count like Cc; the
// desk's staff kept out by the policy are not participants and no refusal
// is recorded for them; other refusals are.
func TestOpenParticipants(t *testing.T) {
	d := lcDesk(ReopenTicket, 0)
	d.Others = []string{"control@desk.example"}
	in := Inbound{From: "anna@client.example", To: []string{"support+x@desk.example", "keyuser@client.example", "Anna@client.example"},
		Cc: []string{"Piet@client.example", "marco@desk.example", "stranger@other.example", "control@desk.example", "keyuser@client.example"}}
	if got := Copied(d, in); !slices.Equal(got, []string{"piet@client.example", "marco@desk.example", "stranger@other.example", "keyuser@client.example"}) {
		t.Errorf("copied = %v", got)
	}
	in.Refused = map[string]string{"marco@desk.example": "", "stranger@other.example": "<stranger@other.example> is not of Client"}
	dec := Open(d, in, lcNow)
	if got := dec.Ticket.Participants; !slices.Equal(got, []string{"piet@client.example", "keyuser@client.example"}) {
		t.Errorf("participants = %v", got)
	}
	var refusals []string
	for _, e := range dec.Events {
		if e.Type == EventParticipant {
			refusals = append(refusals, e.Reason)
		}
	}
	if len(refusals) != 1 || !strings.Contains(refusals[0], "stranger@other.example") {
		t.Errorf("refusals recorded: %q, want the stranger's only", refusals)
	}
}

// TestOpenLinkedKeepsPeople: the new ticket an answer to a closed one opens
// keeps the old ticket's people, less those the policy now keeps out.
func TestOpenLinkedKeepsPeople(t *testing.T) {
	old := lcTicket(StatusClosed)
	old.Participants = []string{"pm@replica.example", "luca@client.example", "gone@client.example"}
	in := Inbound{From: "luca@client.example", Cc: []string{"new@client.example"}, Summary: "again",
		Refused: map[string]string{"gone@client.example": "<gone@client.example> left"}}
	dec := OpenLinked(lcDesk(NewLinked, 0), old, in, lcNow)
	if got := dec.Ticket.Participants; !slices.Equal(got, []string{"new@client.example", "anna@client.example", "pm@replica.example"}) {
		t.Errorf("participants = %v", got)
	}
	if dec.Ticket.Requester != "luca@client.example" || !slices.Equal(dec.Ticket.Linked, []string{"TKT-1"}) {
		t.Errorf("linked ticket %+v", dec.Ticket)
	}
}
