package web

import "net/http"

// adminRoutes is the staff admin UI's route table. Each route names who may
// call it: public (sign-in and reset pages) or s.staff (a signed-in staff
// user; what they may see and do is decided by the application layer, so a
// manager gets 404 for a partner that is not theirs and a viewer 403 for a
// change). Every POST also passes the cross-origin check in Register.
func (s *server) adminRoutes(mux router) {
	// Public: signing in and out, forgotten passwords.
	mux.HandleFunc("GET /admin/login", s.adminLoginPage)
	mux.HandleFunc("POST /admin/login", s.adminLogin)
	mux.HandleFunc("GET /admin/login/totp", s.adminTOTPPage)
	mux.HandleFunc("POST /admin/login/totp", s.adminTOTP)
	mux.HandleFunc("POST /admin/logout", s.adminLogout)
	mux.HandleFunc("GET /admin/forgot", s.adminForgotPage)
	mux.HandleFunc("POST /admin/forgot", s.adminForgot)
	mux.HandleFunc("GET /admin/reset/{token}", s.adminResetPage)
	mux.HandleFunc("POST /admin/reset/{token}", s.adminReset)

	// Staff: the start page is the partner directory.
	mux.HandleFunc("GET /admin/{$}", s.staff(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/admin/partners", http.StatusFound)
	}))

	// Staff: partners.
	mux.HandleFunc("GET /admin/partners", s.staff(s.adminPartners))
	mux.HandleFunc("GET /admin/partners/new", s.staff(s.adminPartnerNewPage))
	mux.HandleFunc("POST /admin/partners/new", s.staff(s.adminPartnerCreate))
	mux.HandleFunc("GET /admin/partners/{id}", s.staff(s.adminPartner))
	mux.HandleFunc("GET /admin/partners/{id}/edit", s.staff(s.adminPartnerEditPage))
	mux.HandleFunc("POST /admin/partners/{id}/edit", s.staff(s.adminPartnerUpdate))
	mux.HandleFunc("POST /admin/partners/{id}/archive", s.staff(s.adminPartnerArchive))
	mux.HandleFunc("POST /admin/partners/{id}/restore", s.staff(s.adminPartnerRestore))
	mux.HandleFunc("POST /admin/partners/{id}/activity", s.staff(s.adminPartnerActivity))
	// Team access: the application allows it to owners and admins only.
	mux.HandleFunc("POST /admin/partners/{id}/grants", s.staff(s.adminPartnerGrant))
	mux.HandleFunc("POST /admin/partners/{id}/grants/{userID}/delete", s.staff(s.adminPartnerRevoke))

	// Staff: a partner's contacts and their portal access.
	mux.HandleFunc("GET /admin/partners/{id}/contacts/new", s.staff(s.adminContactNewPage))
	mux.HandleFunc("POST /admin/partners/{id}/contacts/new", s.staff(s.adminContactCreate))
	mux.HandleFunc("GET /admin/partners/{id}/contacts/{cid}/edit", s.staff(s.adminContactEditPage))
	mux.HandleFunc("POST /admin/partners/{id}/contacts/{cid}/edit", s.staff(s.adminContactUpdate))
	mux.HandleFunc("POST /admin/partners/{id}/contacts/{cid}/delete", s.staff(s.adminContactDelete))
	mux.HandleFunc("POST /admin/partners/{id}/contacts/{cid}/invite", s.staff(s.adminContactInvite))
	mux.HandleFunc("POST /admin/partners/{id}/contacts/{cid}/resend", s.staff(s.adminContactResend))
	mux.HandleFunc("POST /admin/partners/{id}/contacts/{cid}/revoke", s.staff(s.adminContactRevoke))
	mux.HandleFunc("POST /admin/partners/{id}/contacts/{cid}/password", s.staff(s.adminContactPassword))
	mux.HandleFunc("POST /admin/partners/{id}/contacts/{cid}/disable", s.staff(s.adminContactDisable))

	// Staff: partners going quiet, and archiving them in bulk.
	mux.HandleFunc("GET /admin/quiet", s.staff(s.adminQuiet))
	mux.HandleFunc("POST /admin/quiet/archive", s.staff(s.adminQuietArchive))

	// Staff: leads, the unassigned queue, routing rules, deliveries and
	// imports. The application shows managers and viewers only the leads
	// and deliveries of partners they may see, and refuses viewers changes.
	mux.HandleFunc("GET /admin/leads", s.staff(s.adminLeads))
	mux.HandleFunc("GET /admin/leads/unassigned", s.staff(s.adminLeadsQueue))
	mux.HandleFunc("GET /admin/leads/new", s.staff(s.adminLeadNewPage))
	mux.HandleFunc("POST /admin/leads/new", s.staff(s.adminLeadCreate))
	mux.HandleFunc("GET /admin/leads/{id}", s.staff(s.adminLead))
	mux.HandleFunc("POST /admin/leads/{id}/status", s.staff(s.adminLeadStatus))
	mux.HandleFunc("POST /admin/leads/{id}/assign", s.staff(s.adminLeadAssign))
	mux.HandleFunc("GET /admin/rules", s.staff(s.adminRules))
	mux.HandleFunc("GET /admin/rules/new", s.staff(s.adminRuleNewPage))
	mux.HandleFunc("POST /admin/rules/new", s.staff(s.adminRuleCreate))
	mux.HandleFunc("GET /admin/rules/dry-run", s.staff(s.adminDryRunPage))
	mux.HandleFunc("POST /admin/rules/dry-run", s.staff(s.adminDryRun))
	mux.HandleFunc("GET /admin/rules/{id}", s.staff(s.adminRuleEditPage))
	mux.HandleFunc("POST /admin/rules/{id}", s.staff(s.adminRuleUpdate))
	mux.HandleFunc("POST /admin/rules/{id}/delete", s.staff(s.adminRuleDelete))
	mux.HandleFunc("GET /admin/deliveries", s.staff(s.adminDeliveries))
	mux.HandleFunc("GET /admin/deliveries/{id}", s.staff(s.adminDelivery))
	mux.HandleFunc("POST /admin/deliveries/{id}/redeliver", s.staff(s.adminRedeliver))
	mux.HandleFunc("GET /admin/partners/{id}/delivery", s.staff(s.adminPartnerDelivery))
	mux.HandleFunc("POST /admin/partners/{id}/delivery", s.staff(s.adminPartnerDeliveryUpdate))
	mux.HandleFunc("POST /admin/partners/{id}/delivery/rotate", s.staff(s.adminPartnerDeliveryRotate))
	// Imports: the two upload routes take a body up to ally.MaxImportBytes
	// (every other form is capped at a megabyte).
	mux.HandleFunc("GET /admin/imports", s.staff(s.adminImports))
	mux.HandleFunc("POST /admin/imports", s.staff(s.adminImportRaw))
	mux.HandleFunc("POST /admin/imports/upload", s.staff(s.adminImportUpload))
	mux.HandleFunc("GET /admin/imports/{id}", s.staff(s.adminImport))
	mux.HandleFunc("GET /admin/imports/{id}/progress", s.staff(s.adminImportProgress))
	mux.HandleFunc("GET /admin/imports/{id}/errors.csv", s.staff(s.adminImportErrors))

	// Staff: their own notifications.
	mux.HandleFunc("GET /admin/notifications", s.staff(s.adminNotifications))
	mux.HandleFunc("POST /admin/notifications/read", s.staff(s.adminNotificationsRead))

	s.adminSettingsRoutes(mux)
}
