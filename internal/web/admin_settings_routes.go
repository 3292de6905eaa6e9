package web

// adminSettingsRoutes is the route table of the admin's settings, audit log
// and own account pages (see adminRoutes for the rest of /admin). Who may
// call each route:
//
//   - s.settings: owners and admins (the application decides; others get its 403);
//   - s.staff: any signed-in staff user (the audit log's own use cases refuse
//     those without the audit permission);
//   - public: the e-mail change link, which proves itself by its token.
func (s *server) adminSettingsRoutes(mux router) {
	mux.HandleFunc("GET /admin/settings", s.settings(s.settingsIndex))

	mux.HandleFunc("GET /admin/settings/tiers", s.settings(s.tierList))
	mux.HandleFunc("POST /admin/settings/tiers", s.settings(s.tierCreate))
	mux.HandleFunc("GET /admin/settings/tiers/{id}", s.settings(s.tierEdit))
	mux.HandleFunc("POST /admin/settings/tiers/{id}", s.settings(s.tierUpdate))

	mux.HandleFunc("GET /admin/settings/phases", s.settings(s.phaseList))
	mux.HandleFunc("POST /admin/settings/phases", s.settings(s.phaseCreate))
	mux.HandleFunc("GET /admin/settings/phases/{id}", s.settings(s.phaseEdit))
	mux.HandleFunc("POST /admin/settings/phases/{id}", s.settings(s.phaseUpdate))

	mux.HandleFunc("GET /admin/settings/properties", s.settings(s.propertyList))
	mux.HandleFunc("POST /admin/settings/properties", s.settings(s.propertyCreate))
	mux.HandleFunc("GET /admin/settings/properties/{id}", s.settings(s.propertyEdit))
	mux.HandleFunc("POST /admin/settings/properties/{id}", s.settings(s.propertyUpdate))
	mux.HandleFunc("GET /admin/settings/properties/{id}/delete", s.settings(s.propertyDeleteConfirm))
	mux.HandleFunc("POST /admin/settings/properties/{id}/delete", s.settings(s.propertyDelete))

	mux.HandleFunc("GET /admin/settings/templates", s.settings(s.templateList))
	mux.HandleFunc("GET /admin/settings/templates/new", s.settings(s.templateNew))
	mux.HandleFunc("POST /admin/settings/templates", s.settings(s.templateCreate))
	mux.HandleFunc("GET /admin/settings/templates/{id}", s.settings(s.templateEdit))
	mux.HandleFunc("POST /admin/settings/templates/{id}", s.settings(s.templateUpdate))

	mux.HandleFunc("GET /admin/settings/users", s.settings(s.userList))
	mux.HandleFunc("POST /admin/settings/users", s.settings(s.userCreate))
	mux.HandleFunc("GET /admin/settings/users/{id}", s.settings(s.userEdit))
	mux.HandleFunc("POST /admin/settings/users/{id}", s.settings(s.userUpdate))
	mux.HandleFunc("POST /admin/settings/users/{id}/disable", s.settings(s.userDisable))
	mux.HandleFunc("POST /admin/settings/users/{id}/enable", s.settings(s.userEnable))
	mux.HandleFunc("POST /admin/settings/users/{id}/password", s.settings(s.userPassword))
	mux.HandleFunc("POST /admin/settings/users/{id}/totp/reset", s.settings(s.userResetTOTP))
	mux.HandleFunc("POST /admin/settings/users/{id}/grants", s.settings(s.userGrant))
	mux.HandleFunc("POST /admin/settings/users/{id}/grants/{partner}/revoke", s.settings(s.userRevoke))

	mux.HandleFunc("GET /admin/settings/api-keys", s.settings(s.keyList))
	mux.HandleFunc("POST /admin/settings/api-keys", s.settings(s.keyCreate))
	mux.HandleFunc("POST /admin/settings/api-keys/{id}/revoke", s.settings(s.keyRevoke))

	mux.HandleFunc("GET /admin/settings/webhooks", s.settings(s.subscriptionList))
	mux.HandleFunc("POST /admin/settings/webhooks", s.settings(s.subscriptionCreate))
	mux.HandleFunc("GET /admin/settings/webhooks/{id}", s.settings(s.subscriptionEdit))
	mux.HandleFunc("POST /admin/settings/webhooks/{id}", s.settings(s.subscriptionUpdate))
	mux.HandleFunc("POST /admin/settings/webhooks/{id}/rotate", s.settings(s.subscriptionRotate))
	mux.HandleFunc("POST /admin/settings/webhooks/{id}/delete", s.settings(s.subscriptionDelete))

	mux.HandleFunc("GET /admin/settings/branding", s.settings(s.brandingEdit))
	mux.HandleFunc("POST /admin/settings/branding", s.settings(s.brandingUpdate))
	mux.HandleFunc("GET /admin/settings/email", s.settings(s.emailEdit))
	mux.HandleFunc("POST /admin/settings/email", s.settings(s.emailUpdate))
	mux.HandleFunc("POST /admin/settings/email/test", s.settings(s.emailTest))

	mux.HandleFunc("GET /admin/audit", s.staff(s.auditList))
	mux.HandleFunc("GET /admin/audit.csv", s.staff(s.auditCSV))

	mux.HandleFunc("GET /admin/account", s.staff(s.accountPage))
	mux.HandleFunc("POST /admin/account", s.staff(s.accountUpdate))
	mux.HandleFunc("POST /admin/account/password", s.staff(s.accountPassword))
	mux.HandleFunc("POST /admin/account/email", s.staff(s.accountEmail))
	mux.HandleFunc("POST /admin/account/totp", s.staff(s.totpBegin))
	mux.HandleFunc("POST /admin/account/totp/enable", s.staff(s.totpEnable))
	mux.HandleFunc("POST /admin/account/totp/disable", s.staff(s.totpDisable))
	mux.HandleFunc("GET /admin/email/{token}", s.emailConfirmPage)
	mux.HandleFunc("POST /admin/email/{token}", s.emailConfirm)
}
