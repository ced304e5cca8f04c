package ticket

import (
	"slices"
	"testing"
)

func TestMatrixRecipients(t *testing.T) {
	people := People{Requester: "anna@client.example", Participants: []string{"carl@client.example", "Anna@Client.example"},
		Assignee: "bob@desk.example", Department: []string{"bob@desk.example", "eve@desk.example"},
		Agents: []string{"bob@desk.example", "eve@desk.example", "zed@desk.example"}, AccountManager: "am@desk.example"}
	unassigned := people
	unassigned.Assignee = ""
	m := Matrix{
		NotifyOpened:    {AudienceRequester, AudienceParticipants, AudienceQueue},
		NotifyReply:     {AudienceQueue},
		NotifyStatus:    {AudienceRequester, AudienceParticipants, AudienceAssignee},
		NotifyEscalated: {AudienceAccountManager, AudienceDepartment, AudienceAgents},
		NotifyAnswer:    {},
	}
	tests := []struct {
		name string
		ev   NotifyEvent
		p    People
		skip []string
		want []string // "addr" for customers, "addr*" for staff
	}{
		{"opened, assigned: the assignee is the queue", NotifyOpened, people, nil,
			[]string{"anna@client.example", "carl@client.example", "bob@desk.example*"}},
		{"opened, unassigned: the department is the queue", NotifyOpened, unassigned, nil,
			[]string{"anna@client.example", "carl@client.example", "bob@desk.example*", "eve@desk.example*"}},
		{"the actor is skipped, whatever the case", NotifyStatus, people, []string{"BOB@desk.example"},
			[]string{"anna@client.example", "carl@client.example"}},
		{"each address once, in audience order", NotifyEscalated, people, nil,
			[]string{"am@desk.example*", "bob@desk.example*", "eve@desk.example*", "zed@desk.example*"}},
		{"an event switched off tells nobody", NotifyAnswer, people, nil, nil},
		{"an event missing from the matrix tells nobody", NotifyResolved, people, nil, nil},
		{"the desk never mails itself", NotifyReply, People{Assignee: "support+x@desk.example"}, nil, nil},
		{"nor its control address", NotifyStatus, People{Participants: []string{"Control@desk.example"}}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range m.Recipients(tc.ev, tc.p, Desk{Address: "support@desk.example", Others: []string{"control@desk.example"}}, tc.skip...) {
				s := r.Email
				if r.Staff {
					s += "*"
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestChangesOf(t *testing.T) {
	tests := []struct {
		name   string
		events []Event
		want   Changes
	}{
		{"nothing", []Event{{Type: EventMessageAdded, From: StatusNew, To: StatusNew}}, Changes{}},
		{"creation is no change", []Event{{Type: EventCreated, To: StatusNew}}, Changes{}},
		{"one change", []Event{{Type: EventStatus, From: StatusResolved, To: StatusClosed, Actor: "anna", Reason: "confirmed"}},
			Changes{From: StatusResolved, To: StatusClosed, Actor: "anna", Reason: "confirmed"}},
		{"first from, last to", []Event{
			{Type: EventAssigned, From: StatusNew, To: StatusAssigned, Actor: "bob"},
			{Type: EventNote, Reason: "x"},
			{Type: EventStatus, From: StatusAssigned, To: StatusResolved, Actor: "bob", Reason: "fixed"}},
			Changes{From: StatusNew, To: StatusResolved, Actor: "bob", Reason: "fixed"}},
		{"escalation alone", []Event{{Type: EventEscalated, Reason: "down"}}, Changes{Escalated: true}},
		{"there and back is no change", []Event{
			{Type: EventStatus, From: StatusNew, To: StatusInProgress},
			{Type: EventStatus, From: StatusInProgress, To: StatusNew}},
			Changes{From: StatusNew, To: StatusNew}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ChangesOf(tc.events)
			if got.From != tc.want.From || got.To != tc.want.To || got.Escalated != tc.want.Escalated ||
				(tc.want.Actor != "" && got.Actor != tc.want.Actor) || (tc.want.Reason != "" && got.Reason != tc.want.Reason) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if got.Changed() != (tc.want.From != tc.want.To) {
				t.Errorf("Changed() = %v", got.Changed())
			}
		})
	}
	if StateEvent(StatusResolved) != NotifyResolved || StateEvent(StatusClosed) != NotifyStatus {
		t.Error("resolved has its own row, other states the status row")
	}
}
