package threading

import (
	"slices"
	"strconv"
	"testing"

	"postdesk/parser"
)

// The parser (ParseSubjectFor's Ref) and threading (SubjectRefs) read a
// subject's references the same way: the Ref is the first ticket number
// SubjectRefs resolves by, and a subject naming none has no Ref.
func TestSubjectRefsAgreeWithParser(t *testing.T) {
	m := newTestMatcher()
	for _, tc := range []struct {
		subject string
		want    []int64
	}{
		{"Re: TKT-12a", nil},
		{"Re: TKT-12x labels", nil},
		{"TKT-12a TKT-13", []int64{13}},
		{"[TKT-12] labels", []int64{12}},
		{"Re: TKT-12: Printer broken", []int64{12}},
		{"Severity 2 - Acme Freight [TKT-12] - labels", []int64{12}},
		{"labels (tkt-007)", []int64{7}},
		{"[TKT-3] Re: (TKT-4) labels", []int64{3, 4}},
		{"TKT-1 and TKT-1 again", []int64{1}},
		{"XTKT-12 labels", nil},
		{"éTKT-1", nil},
		{"TKT-1\u0663", nil},
		{"TKT-12\u0301", nil},
		{"Re: TKT-12の件", []int64{12}},
		{"TKT-12번 문의", []int64{12}},
		{"TKT-0 labels", nil},
		{"TKT-1234567890123456789012 [TKT-5]", []int64{5}},
		{"TKT-999999999999999999", []int64{999999999999999999}},
		{"COVID-19 rules", nil},
		{"AW:RE:Antw:TKT-6", []int64{6}},
		{"[TKT-1][TKT-2]", []int64{1, 2}},
		{"", nil},
	} {
		got := m.SubjectRefs(tc.subject)
		if !slices.Equal(got, tc.want) {
			t.Errorf("SubjectRefs(%q) = %v, want %v", tc.subject, got, tc.want)
		}
		wantRef := ""
		if len(tc.want) > 0 {
			wantRef = "TKT-" + strconv.FormatInt(tc.want[0], 10)
		}
		if ref := parser.ParseSubjectFor(tc.subject, "TKT").Ref; ref != wantRef {
			t.Errorf("ParseSubjectFor(%q, TKT).Ref = %q, threading resolves %v", tc.subject, ref, got)
		}
	}
}
