import Fluent
import KorpusCore
import SQLKit
import Vapor

/// Reminds people by e-mail the day before: of every event they have a place at, and of their counselling
/// bookings — the person and the partner's operators both (the worker polls it). Any number of instances may run it: each reminder is claimed by one
/// conditional update of its `reminded_at` before it is sent, so it goes out once.
enum Reminders {
    /// Sends the reminders of what starts within a day of `now`; returns how many were sent.
    @discardableResult
    static func sendDue(_ app: Application, now: Date = Date()) async throws -> Int {
        guard let sql = app.db as? any SQLDatabase else { return 0 }
        let until = now.addingTimeInterval(24 * 3600)
        var sent = 0
        let mailer = Mailer(application: app, db: app.db)
        let registrations = try await EventRegistration.query(on: app.db).filter(\.$status == EventRegistration.Status.registered.rawValue)
            .filter(\.$remindedAt == nil).join(Event.self, on: \EventRegistration.$event.$id == \Event.$id)
            .filter(Event.self, \.$startsAt > now).filter(Event.self, \.$startsAt <= until).filter(Event.self, \.$status != Event.Status.cancelled.rawValue)
            .with(\.$user).with(\.$event).limit(1000).all()
        for registration in registrations {
            guard let id = registration.id, try await claim(EventRegistration.schema, id, now: now, sql) else { continue }
            let user = registration.user
            let when = DateFormat(catalogue: app.catalogues[user.preferredLanguage]).shortDateTime(registration.event.startsAt)
            try await mailer.send(template: "event_reminder", to: user.email, name: user.displayName, language: user.preferredLanguage,
                                  link: SitePath.event(registration.$event.id.uuidString).path,
                                  arguments: ["event": registration.event.title, "when": when])
            sent += 1
        }
        let bookings = try await CounsellingBooking.query(on: app.db).filter(\.$activeSlotID != nil).filter(\.$remindedAt == nil)
            .join(CounsellingSlot.self, on: \CounsellingBooking.$slot.$id == \CounsellingSlot.$id)
            .filter(CounsellingSlot.self, \.$startsAt > now).filter(CounsellingSlot.self, \.$startsAt <= until)
            .with(\.$user).with(\.$slot, { $0.with(\.$partner) }).limit(1000).all()
        for booking in bookings {
            guard let id = booking.id, try await claim(CounsellingBooking.schema, id, now: now, sql) else { continue }
            let user = booking.user
            let language = app.catalogues[user.preferredLanguage]
            try await mailer.send(template: "counselling_reminder", to: user.email, name: user.displayName, language: user.preferredLanguage,
                                  link: SitePath.myEvents.path,
                                  arguments: ["when": DateFormat(catalogue: language).shortDateTime(booking.slot.startsAt),
                                              "kind": language.text(booking.slot.kindValue.catalogueKey), "partner": booking.slot.partner.name])
            let operators = try await PartnerOperator.query(on: app.db).filter(\.$partner.$id == booking.slot.$partner.id).with(\.$user).all()
            for member in operators {
                let theirs = app.catalogues[member.user.preferredLanguage]
                try await mailer.send(template: "counselling_reminder_partner", to: member.user.email, name: member.user.displayName,
                                      language: member.user.preferredLanguage, link: SitePath.counselling.path,
                                      arguments: ["when": DateFormat(catalogue: theirs).shortDateTime(booking.slot.startsAt),
                                                  "kind": theirs.text(booking.slot.kindValue.catalogueKey), "person": user.displayName,
                                                  "topic": booking.topic])
            }
            sent += 1
        }
        return sent
    }

    /// Marks one row reminded, only if no one else has: true when this instance is to send it.
    private static func claim(_ table: String, _ id: UUID, now: Date, _ sql: any SQLDatabase) async throws -> Bool {
        try await !sql.update(table).set("reminded_at", to: now).where("id", .equal, id).where("reminded_at", .is, SQLLiteral.null)
            .returning("id").all().isEmpty
    }
}
