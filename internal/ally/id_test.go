package ally_test

import (
	"sort"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

func TestNewIDSortsByTime(t *testing.T) {
	var ids []string
	for range 5 {
		ids = append(ids, ally.NewID(ally.PrefixPartner))
		time.Sleep(2 * time.Millisecond)
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatalf("ids made later must sort later: %v", ids)
	}
	for _, id := range ids {
		if !ally.HasPrefix(id, ally.PrefixPartner) {
			t.Fatalf("bad id %q", id)
		}
	}
	if ally.NewID("x_") == ally.NewID("x_") {
		t.Fatal("two ids are equal")
	}
}

func TestNewIDSortsWithinAMillisecond(t *testing.T) {
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = ally.NewID(ally.PrefixAudit)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("id %d %s does not sort after %s", i, ids[i], ids[i-1])
		}
	}
}

func TestActorCan(t *testing.T) {
	key := ally.Actor{Kind: ally.ActorAPIKey, Scopes: []ally.Scope{ally.ScopePartnersRead}}
	viewer := ally.Actor{Kind: ally.ActorStaff, Role: ally.RoleViewer}
	partnerUser := ally.Actor{Kind: ally.ActorPartner, PartnerID: "ptn_x"}
	tests := []struct {
		name  string
		actor ally.Actor
		scope ally.Scope
		want  bool
	}{
		{"key with scope", key, ally.ScopePartnersRead, true},
		{"key without scope", key, ally.ScopePartnersWrite, false},
		{"viewer reads", viewer, ally.ScopePartnersRead, true},
		{"viewer cannot write", viewer, ally.ScopePartnersWrite, false},
		{"viewer cannot read audit", viewer, ally.ScopeAuditRead, false},
		{"admin writes tiers", ally.Actor{Kind: ally.ActorStaff, Role: ally.RoleAdmin}, ally.ScopeTiersWrite, true},
		{"manager cannot write tiers", ally.Actor{Kind: ally.ActorStaff, Role: ally.RoleManager}, ally.ScopeTiersWrite, false},
		{"partner user has no API scope", partnerUser, ally.ScopePartnersRead, false},
		{"system may do anything", ally.System("t"), ally.ScopeAuditRead, true},
	}
	for _, tt := range tests {
		if got := tt.actor.Can(tt.scope); got != tt.want {
			t.Errorf("%s: Can(%s) = %v, want %v", tt.name, tt.scope, got, tt.want)
		}
	}
}
