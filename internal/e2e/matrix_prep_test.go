package e2e_test

import (
	"strconv"
	"strings"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/app"
)

// mxVals are the placeholders of a line's path and body and what they
// stand for in one call.
type mxVals map[string]string

func (v mxVals) fill(s string) string {
	for k, val := range v {
		s = strings.ReplaceAll(s, k, val)
	}
	return s
}

// vals returns the placeholders for a call with side's ids:
//
//	{P} partner   {X} its CRM external id   {C} contact   {F} the partner's logo file   {OWNER} its owner
//	{M} the partner's marker, for names of things a call creates ({m} in lower case)
//	{N} a number no other call got   {V} the version of what prep made fresh
//	{U} a staff user (the spare viewer)   {TIER} {PHASE} {PROP} {TPL} {KEY} catalog ids
//	{TOKEN} a link token that was never issued   {NOFILE} a file id never stored
//	{STATIC} a static file
//	{LEAD} the partner's lead   {DLV} its webhook delivery   {OTHER} the other partner (A's for B)
//	{QLEAD} the lead no rule placed   {SDLV} a delivery to the vendor's subscription {SUB}
//	{RULE} the rule that passed B over   {IMP} the import
func (f *mxFix) vals(side mxSide) mxVals {
	p, c, other := f.a, f.a, f.b
	switch side {
	case mxB:
		p, c, other = f.b, f.b, f.a
	case mxMix:
		c = f.b
	}
	marker := p.marker
	if side == mxNone {
		marker = "Matrix"
	}
	return mxVals{
		"{P}": p.p.ID, "{X}": p.p.ExternalID, "{C}": c.contact.ID, "{F}": p.logo, "{OWNER}": p.p.OwnerID,
		"{M}": marker, "{m}": strings.ToLower(marker), "{N}": strconv.Itoa(f.next()), "{V}": "1",
		"{U}": f.spare.ID, "{TIER}": f.tier, "{PHASE}": f.phase, "{PROP}": f.prop, "{TPL}": f.tpl, "{KEY}": f.key,
		"{TOKEN}": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "{NOFILE}": ally.NewID(ally.PrefixFile), "{STATIC}": f.static,
		"{LEAD}": p.lead, "{DLV}": p.dlv, "{OTHER}": other.p.ID, "{QLEAD}": f.queued, "{SDLV}": f.subDlv, "{SUB}": f.sub,
		"{RULE}": f.rule, "{IMP}": f.imp,
	}
}

// mxPrep is what a line needs before each call: things made fresh, so a
// call that changes or deletes them leaves the next call the same start;
// or, for routes that end the caller's session (renew), a new session
// after the call.
type mxPrep struct {
	fresh func(f *mxFix, side mxSide, v mxVals)
	renew bool
}

var (
	mxRenew = &mxPrep{renew: true}

	// mxNewPartner: {P} is a new partner like the side's: on A's side
	// owned by the manager and granted to the viewer, on B's neither.
	mxNewPartner = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		p := f.freshPartner(side, v)
		v["{P}"], v["{OWNER}"] = p.ID, p.OwnerID
	}}
	// mxOwnContact: {P} is a new partner as mxNewPartner makes and {C} a
	// contact of its own, except in the mix, where {C} stays B's contact.
	mxOwnContact = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		p := f.freshPartner(side, v)
		v["{P}"], v["{OWNER}"] = p.ID, p.OwnerID
		if side != mxMix {
			low := strings.ToLower(v["{M}"])
			v["{C}"] = f.contact(p.ID, v["{M}"]+" Champion "+v["{N}"], low+".champion"+v["{N}"]+"@"+low+".example", "").ID
		}
		p, err := f.db.FindPartnerByID(f.ctx, p.ID)
		f.must(err)
		v["{V}"] = strconv.FormatInt(p.Version, 10)
	}}
	mxArchived = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		p := f.freshPartner(side, v)
		_, err := f.app.ArchivePartner(f.ctx, mxSys, p.ID, app.UpdatePartnerOptions{})
		f.must(err)
		v["{P}"] = p.ID
	}}

	// mxNewContact and the others: {C} is a new contact of the side's
	// partner (of B in the mix), without portal access, invited, or active.
	mxNewContact = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) { v["{C}"] = f.freshContact(side, v, "").ID }}
	mxInvited    = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) { v["{C}"] = f.freshContact(side, v, ally.PortalInvited).ID }}
	mxActive     = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) { v["{C}"] = f.freshContact(side, v, ally.PortalActive).ID }}

	// mxGranted: the spare viewer {U} was granted {P}.
	mxGranted = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) { f.grant(v["{U}"], v["{P}"]) }}

	// mxNewUser and the others: {U} is a new staff user (a viewer), disabled, or granted {P}.
	mxNewUser      = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) { v["{U}"] = f.staffUser("u"+v["{N}"], ally.RoleViewer).ID }}
	mxDisabledUser = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		u := f.staffUser("u"+v["{N}"], ally.RoleViewer)
		f.must(f.db.Write(f.ctx, func(tx ally.Tx) error { u.Disabled = true; return tx.UpdateUser(f.ctx, u) }))
		v["{U}"], v["{V}"] = u.ID, "2"
	}}
	mxUserGranted = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		v["{U}"] = f.staffUser("u"+v["{N}"], ally.RoleViewer).ID
		f.grant(v["{U}"], v["{P}"])
	}}

	mxNewKey = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		k, _, err := f.app.CreateAPIKey(f.ctx, mxSys, ally.NewAPIKey{Name: "key " + v["{N}"]})
		f.must(err)
		v["{KEY}"] = k.ID
	}}
	mxNewProp = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		text, custom := ally.TypeText, ally.SourceCustom
		p, err := f.app.CreatePropertyDefinition(f.ctx, mxSys, ally.PropertyFields{Key: mxPtr("extra_" + v["{N}"]),
			Label: mxPtr("Extra " + v["{N}"]), Type: &text, Source: &custom})
		f.must(err)
		v["{PROP}"] = p.ID
	}}
	mxNewTpl  = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) { v["{TPL}"] = f.template("Template " + v["{N}"]) }}
	mxNewTier = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		t, err := f.app.CreateTier(f.ctx, mxSys, ally.TierFields{Name: mxPtr("Tier " + v["{N}"])})
		f.must(err)
		v["{TIER}"] = t.ID
	}}
	mxNewPhase = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		p, err := f.app.CreatePhase(f.ctx, mxSys, ally.PhaseFields{Name: mxPtr("Phase " + v["{N}"])})
		f.must(err)
		v["{PHASE}"] = p.ID
	}}

	// mxNewLead: {LEAD} is a new lead given to the side's partner, named
	// for neither partner: the line may give it to the other one.
	mxNewLead = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		v["{LEAD}"] = f.lead(ally.LeadInput{FirstName: "Moved", LastName: "Lead " + v["{N}"], Email: "moved" + v["{N}"] + "@matrix.example",
			PartnerID: v["{P}"]}).ID
	}}
	// mxMovedLead: {LEAD} is a new lead the side's partner was given, then
	// the other partner (A's went to B, B's to A).
	mxMovedLead = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		mxNewLead.fresh(f, side, v)
		_, err := f.app.AssignLead(f.ctx, mxSys, v["{LEAD}"], v["{OTHER}"], nil)
		f.must(err)
	}}
	// mxNewQueued: {QLEAD} is a new lead no rule places, named for no
	// partner: the line may give it to one.
	mxNewQueued = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		v["{QLEAD}"] = f.lead(ally.LeadInput{FirstName: "Queued", LastName: "Lead " + v["{N}"], Email: "queued" + v["{N}"] + "@matrix.example",
			Country: "FR"}).ID
	}}
	// mxNewRule: {RULE} is a new rule, off, so it never places a lead.
	mxNewRule = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		rr := ally.RouteRoundRobin
		r, err := f.app.CreateRoutingRule(f.ctx, mxSys, ally.RoutingRuleFields{Name: mxPtr("Rule " + v["{N}"]), Mode: &rr, Enabled: mxPtr(false)})
		f.must(err)
		v["{RULE}"] = r.ID
	}}
	// mxNewSub: {SUB} is a new vendor subscription, off.
	mxNewSub = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		s, err := f.app.CreateSubscription(f.ctx, mxSys, ally.SubscriptionFields{URL: mxPtr("https://hooks.vendor.example/" + v["{N}"]),
			Events: &[]string{ally.EventLeadCreated}, Enabled: mxPtr(false)})
		f.must(err)
		v["{SUB}"] = s.ID
	}}
	// mxMarkedDelivery puts both partners' delivery settings back as the
	// fixture has them, for portal lines that change the caller's own.
	mxMarkedDelivery = &mxPrep{fresh: func(f *mxFix, side mxSide, v mxVals) {
		f.markDelivery(f.a)
		f.markDelivery(f.b)
	}}
)

// freshPartner makes a partner like side's: named with its marker, on A's
// side owned by the manager and granted to the viewer.
func (f *mxFix) freshPartner(side mxSide, v mxVals) *ally.Partner {
	f.t.Helper()
	owner := f.mgr.ID
	if side == mxB {
		owner = f.owner.ID
	}
	domain := strings.ToLower(v["{M}"]) + "-fresh" + v["{N}"] + ".example"
	p, _, err := f.app.CreatePartner(f.ctx, mxSys, ally.PartnerFields{Name: mxPtr(v["{M}"] + " Fresh " + v["{N}"]), Domain: &domain, OwnerID: &owner})
	f.must(err)
	if side != mxB {
		f.grant(f.viewer.ID, p.ID)
	}
	return p
}

// freshContact adds a contact to the side's partner (B's in the mix).
func (f *mxFix) freshContact(side mxSide, v mxVals, portal ally.PortalStatus) *ally.Contact {
	f.t.Helper()
	p := f.a
	if side == mxB || side == mxMix {
		p = f.b
	}
	low := strings.ToLower(p.marker)
	c := f.contact(p.p.ID, p.marker+" Person "+v["{N}"], low+v["{N}"]+"@"+low+".example", portal)
	return c
}

// grant gives user access to partner, unless they have it.
func (f *mxFix) grant(user, partner string) {
	f.t.Helper()
	if err := f.app.Grant(f.ctx, mxSys, user, partner); err != nil && ally.ErrorCode(err) != ally.ECodeConflict {
		f.t.Fatal(err)
	}
}
