package models

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Members of a tenant and invitations to become one. Users are platform
// accounts; a membership ties one to a tenant with a role. Managers invite
// by email: the invitation is always for the handle's own tenant, and its
// token is looked up only within that tenant.

// Audit actions of users and invitations.
const (
	AuditUserInvite           = "user.invite"
	AuditUserInviteResend     = "user.invite-resend"
	AuditUserInviteCancel     = "user.invite-cancel"
	AuditUserInvitationAccept = "user.invitation-accept"
	AuditUserRole             = "user.role"
	AuditUserRemove           = "user.remove"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// ErrInvitationExpired means the invitation exists but its link has expired:
// a manager can send it again.
var ErrInvitationExpired = errors.New("invitation expired")

// Invitation is a pending invitation of an email address to the tenant.
// TokenHash is the hex SHA-256 of the link's token.
type Invitation struct {
	ID             int64 `gorm:"primaryKey"`
	TenantID       int64
	Email          string
	Role           Role
	TokenHash      string
	InvitedBy      *int64
	InvitedByEmail string
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// Expired reports whether the invitation's link no longer works at now.
func (i Invitation) Expired(now time.Time) bool { return !now.Before(i.ExpiresAt) }

// Member is a user who is a member of the tenant, as the users page lists
// them. LastSignIn is the latest sign-in on this tenant the audit log knows.
type Member struct {
	UserID     int64
	Email      string
	Name       string
	Role       Role
	TwoFactor  bool
	LastSignIn *time.Time
}

// memberRow is what the members query returns.
type memberRow struct {
	UserID      int64
	Email       string
	Name        string
	Role        Role
	TOTPEnabled bool `gorm:"column:totp_enabled"`
}

// Members lists the tenant's members by email.
func (t *TenantDB) Members() ([]Member, error) {
	var rows []memberRow
	err := t.scoped.Table("memberships").
		Select("memberships.user_id, memberships.role, users.email, users.name, users.totp_enabled").
		Joins("JOIN users ON users.id = memberships.user_id").
		Order("users.email").Scan(&rows).Error
	if err != nil {
		return nil, translate("members", err)
	}
	// The latest sign-in of each member: the newest entry ids in one query,
	// then those entries (MAX of a time is text on SQLite; of an id it is not).
	var lastIDs []int64
	if err := t.scoped.Model(&AuditEntry{}).Where("action = ? AND user_id IS NOT NULL", AuditSignIn).
		Group("user_id").Pluck("MAX(id)", &lastIDs).Error; err != nil {
		return nil, translate("last sign-ins", err)
	}
	last := map[int64]time.Time{}
	if len(lastIDs) > 0 {
		var entries []AuditEntry
		if err := t.scoped.Where("id IN ?", lastIDs).Find(&entries).Error; err != nil {
			return nil, translate("last sign-ins", err)
		}
		for _, e := range entries {
			last[*e.UserID] = e.At
		}
	}
	out := make([]Member, len(rows))
	for i, r := range rows {
		out[i] = Member{UserID: r.UserID, Email: r.Email, Name: r.Name, Role: r.Role, TwoFactor: r.TOTPEnabled}
		if at, ok := last[r.UserID]; ok {
			out[i].LastSignIn = &at
		}
	}
	return out, nil
}

// Member returns one member of the tenant; another tenant's user is
// ErrNotFound.
func (t *TenantDB) Member(userID int64) (Member, error) {
	ms, err := t.Members()
	if err != nil {
		return Member{}, err
	}
	for _, m := range ms {
		if m.UserID == userID {
			return m, nil
		}
	}
	return Member{}, fmt.Errorf("models: member %d: %w", userID, ErrNotFound)
}

// memberPlain is an unscoped handle on the same connection (and transaction)
// as tx: for the platform-wide users table.
func memberPlain(tx *TenantDB) *gorm.DB { return tx.scoped.Session(&gorm.Session{NewDB: true}) }

// memberLockManagers counts the tenant's managers other than userID, locking
// their memberships on PostgreSQL so two managers cannot demote or remove
// each other at the same time and leave none.
func memberLockManagers(tx *TenantDB, userID int64) (int, error) {
	q := tx.scoped.Model(&Membership{}).Where("role = ? AND user_id <> ?", RoleManager, userID)
	if tx.db.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var ids []int64
	if err := q.Pluck("user_id", &ids).Error; err != nil {
		return 0, err
	}
	return len(ids), nil
}

// memberEmail is the email of the user with userID, for the audit log.
func memberEmail(tx *TenantDB, userID int64) (string, error) {
	var u User
	err := memberPlain(tx).Select("email").Where("id = ?", userID).Take(&u).Error
	return u.Email, err
}

// ChangeRole gives a member another role, audited by by (a role that does
// not change writes nothing). wasRole is the role the manager saw: a
// membership that changed meanwhile is an *EditConflictError. The last
// manager cannot become an editor.
func (t *TenantDB) ChangeRole(by Actor, userID int64, wasRole, role Role) error {
	if !ValidRole(role) {
		return invalid("role", "choose manager or editor")
	}
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var m Membership
		if err := tx.scoped.Where("user_id = ?", userID).Take(&m).Error; err != nil {
			return err
		}
		if m.Role != wasRole {
			return &EditConflictError{What: fmt.Sprintf("membership of user %d", userID)}
		}
		if m.Role == role {
			return errUnchanged
		}
		if role != RoleManager {
			n, err := memberLockManagers(tx, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return invalid("role", "this is the website's only manager: make someone else a manager first")
			}
		}
		if err := tx.scoped.Model(&Membership{}).Where("user_id = ?", userID).Update("role", role).Error; err != nil {
			return err
		}
		email, err := memberEmail(tx, userID)
		if err != nil {
			return err
		}
		return tx.audit(AuditUserRole, email+" ("+string(role)+")")
	})
	return translate(fmt.Sprintf("change role of user %d", userID), err)
}

// RemoveMember ends a user's membership of the tenant and deletes their
// sessions on it kept in the database (sessions in Redis are the caller's:
// auth.Sessions). by is the manager doing it (the change is audited by
// them), who cannot remove themselves; the last manager cannot be removed.
func (t *TenantDB) RemoveMember(by Actor, userID int64) error {
	if userID == by.UserID {
		return invalid("remove", "you cannot remove yourself: ask another manager to do it")
	}
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var m Membership
		if err := tx.scoped.Where("user_id = ?", userID).Take(&m).Error; err != nil {
			return err
		}
		if m.Role == RoleManager {
			n, err := memberLockManagers(tx, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return invalid("remove", "this is the website's only manager: make someone else a manager first")
			}
		}
		if err := tx.scoped.Where("user_id = ?", userID).Delete(&Membership{}).Error; err != nil {
			return err
		}
		if err := tx.scoped.Where("user_id = ?", userID).Delete(&SignInSession{}).Error; err != nil {
			return err
		}
		email, err := memberEmail(tx, userID)
		if err != nil {
			return err
		}
		return tx.audit(AuditUserRemove, email)
	})
	return translate(fmt.Sprintf("remove member %d", userID), err)
}

// Invitations lists the tenant's pending invitations (expired ones too, so
// they can be sent again), newest first.
func (t *TenantDB) Invitations() ([]Invitation, error) {
	var out []Invitation
	err := t.scoped.Order("created_at DESC, id DESC").Find(&out).Error
	return out, translate("invitations", err)
}

// InvitationByID returns one of the tenant's invitations.
func (t *TenantDB) InvitationByID(id int64) (Invitation, error) {
	var i Invitation
	err := t.scoped.Where("id = ?", id).Take(&i).Error
	return i, translate(fmt.Sprintf("invitation %d", id), err)
}

// Invite stores an invitation of email to the tenant with role, sent by the
// user by. An email that is already a member, or already invited (and not
// expired), is refused with a message for the email field; an expired
// invitation of the same email is replaced. The caller audits it: the
// panel, the console and the API each in their own way.
func (t *TenantDB) Invite(email string, role Role, by User, tokenHash string, now time.Time) (Invitation, error) {
	email = NormalizeEmail(email)
	if err := ValidateEmail(email); err != nil {
		return Invitation{}, err
	}
	if !ValidRole(role) {
		return Invitation{}, invalid("role", "choose whether they will be a manager or an editor")
	}
	inv := Invitation{TenantID: t.tenantID, Email: email, Role: role, TokenHash: tokenHash,
		InvitedByEmail: by.Email, CreatedAt: now.UTC(), ExpiresAt: now.Add(InvitationTTL).UTC()}
	if by.ID != 0 {
		inv.InvitedBy = &by.ID
	}
	err := t.transact(func(tx *TenantDB) error {
		var n int64
		if err := tx.scoped.Model(&Membership{}).Where("user_id IN (?)",
			memberPlain(tx).Model(&User{}).Select("id").Where("email = ?", email)).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return invalid("email", "someone with this email address is already a member of this website")
		}
		var old []Invitation
		if err := tx.scoped.Where("email = ?", email).Find(&old).Error; err != nil {
			return err
		}
		if len(old) > 0 {
			if !old[0].Expired(now) {
				return invalid("email", "this email address has already been invited: send the invitation again from the list below")
			}
			if err := tx.scoped.Where("id = ?", old[0].ID).Delete(&Invitation{}).Error; err != nil {
				return err
			}
		}
		return tx.scoped.Create(&inv).Error
	})
	if err != nil && (errors.Is(err, gorm.ErrDuplicatedKey) || isUniqueViolation(err)) {
		return Invitation{}, invalid("email", "this email address has already been invited: send the invitation again from the list below")
	}
	return inv, translate("invite "+email, err)
}

// ResendInvitation gives an invitation a new link (the old one stops
// working) valid for another InvitationTTL from now, audited by by.
func (t *TenantDB) ResendInvitation(by Actor, id int64, tokenHash string, now time.Time) (Invitation, error) {
	var inv Invitation
	err := t.changeAudited(by, func(tx *TenantDB) error {
		res := tx.scoped.Model(&Invitation{}).Where("id = ?", id).
			Updates(map[string]any{"token_hash": tokenHash, "created_at": now.UTC(), "expires_at": now.Add(InvitationTTL).UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		if err := tx.scoped.Where("id = ?", id).Take(&inv).Error; err != nil {
			return err
		}
		return tx.audit(AuditUserInviteResend, inv.Email)
	})
	return inv, translate(fmt.Sprintf("resend invitation %d", id), err)
}

// CancelInvitation deletes an invitation, audited by by: its link stops
// working.
func (t *TenantDB) CancelInvitation(by Actor, id int64) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		var inv Invitation
		if err := tx.scoped.Where("id = ?", id).Take(&inv).Error; err != nil {
			return err
		}
		if err := tx.scoped.Where("id = ?", id).Delete(&Invitation{}).Error; err != nil {
			return err
		}
		return tx.audit(AuditUserInviteCancel, inv.Email)
	})
	return translate(fmt.Sprintf("cancel invitation %d", id), err)
}

// InvitationByToken returns the tenant's invitation with this token hash:
// ErrNotFound when there is none here (another tenant's token included),
// ErrInvitationExpired when its link has expired at now.
func (t *TenantDB) InvitationByToken(tokenHash string, now time.Time) (Invitation, error) {
	var i Invitation
	if err := t.scoped.Where("token_hash = ?", tokenHash).Take(&i).Error; err != nil {
		return i, translate("invitation", err)
	}
	if i.Expired(now) {
		return i, ErrInvitationExpired
	}
	return i, nil
}

// AcceptInvitation uses up the invitation with this token hash and makes its
// email a member of the tenant with the invited role, in one transaction.
// With passwordHash (already hashed by package auth) it creates the account
// first: an email that has one already is ErrConflict. Without, the account
// must exist (the caller has checked its password). Only one of two
// concurrent accepts of the same link succeeds. Errors as InvitationByToken.
// The caller audits it, as the new member.
func (t *TenantDB) AcceptInvitation(tokenHash, passwordHash, name string, now time.Time) (User, error) {
	var u User
	err := t.transact(func(tx *TenantDB) error {
		var inv Invitation
		if err := tx.scoped.Where("token_hash = ?", tokenHash).Take(&inv).Error; err != nil {
			return err
		}
		if inv.Expired(now) {
			return ErrInvitationExpired
		}
		res := tx.scoped.Where("id = ? AND token_hash = ?", inv.ID, tokenHash).Delete(&Invitation{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return gorm.ErrRecordNotFound
		}
		plain := memberPlain(tx)
		if passwordHash != "" {
			u = User{Email: inv.Email, Name: strings.TrimSpace(name), PasswordHash: passwordHash}
			if err := plain.Create(&u).Error; err != nil {
				return err
			}
		} else if err := plain.Where("email = ?", inv.Email).Take(&u).Error; err != nil {
			return err
		}
		var n int64
		if err := tx.scoped.Model(&Membership{}).Where("user_id = ?", u.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil // a member already: the invitation is simply used up
		}
		return tx.scoped.Create(&Membership{TenantID: t.tenantID, UserID: u.ID, Role: inv.Role, CreatedAt: now.UTC()}).Error
	})
	if errors.Is(err, ErrInvitationExpired) {
		return User{}, err
	}
	return u, translate("accept invitation", err)
}

// DeleteMemberSessions deletes the user's sessions on this tenant kept in
// the database; sessions on other tenants go on.
func (t *TenantDB) DeleteMemberSessions(userID int64) error {
	err := t.scoped.Where("user_id = ?", userID).Delete(&SignInSession{}).Error
	return translate(fmt.Sprintf("delete sessions of user %d", userID), err)
}
