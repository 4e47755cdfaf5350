import Fluent
import KorpusCore
import SQLKit
import Vapor

/// A Volunteer Card (Karta Wolontariusza): every volunteer and coordinator has one, with a number. It is
/// active in a month when the monthly job found the requirement met in the month before (volunteers) or
/// hours of Korpus volunteers confirmed in the month before (coordinators).
final class VolunteerCard: Model, @unchecked Sendable {
    static let schema = "volunteer_cards"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    /// Twelve digits, the last a Luhn check digit, shown as "KS 4821 0937 1536".
    @Field(key: "number") var number: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    static func newNumber() -> String {
        let body = (0..<11).map { _ in String(Int.random(in: 0...9)) }.joined()
        return body + String(luhnDigit(body))
    }

    static func luhnDigit(_ digits: String) -> Int {
        let sum = digits.reversed().enumerated().reduce(0) { total, pair in
            let digit = Int(String(pair.element)) ?? 0
            let doubled = pair.offset % 2 == 0 ? digit * 2 : digit
            return total + (doubled > 9 ? doubled - 9 : doubled)
        }
        return (10 - sum % 10) % 10
    }

    /// The digits of a typed number ("KS 4821-0937 1536"), when its check digit is right.
    static func normalised(_ typed: String) -> String? {
        let digits = String(typed.filter(\.isASCII).filter(\.isNumber))
        guard digits.count == 12, luhnDigit(String(digits.dropLast())) == Int(String(digits.last!)) else { return nil }
        return digits
    }

    static func display(_ number: String) -> String {
        let chars = Array(number)
        return "KS " + stride(from: 0, to: chars.count, by: 4).map { String(chars[$0..<min($0 + 4, chars.count)]) }.joined(separator: " ")
    }

    /// The person's card, made on first need.
    static func of(_ userID: UUID, on db: any Database) async throws -> VolunteerCard {
        if let card = try await VolunteerCard.query(on: db).filter(\.$user.$id == userID).first() { return card }
        for _ in 0..<5 {
            let card = VolunteerCard()
            card.$user.id = userID
            card.number = newNumber()
            card.createdAt = Date()
            do {
                try await card.create(on: db)
                return card
            } catch {
                // A number taken, or the card made meanwhile by another request: look again.
                if let made = try await VolunteerCard.query(on: db).filter(\.$user.$id == userID).first() { return made }
            }
        }
        throw Abort(.internalServerError)
    }
}

/// A month in which a card is active, written by the monthly job.
final class CardActivation: Model, @unchecked Sendable {
    static let schema = "card_activations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "month") var month: String
    /// "volunteer" or "coordinator": why the card is active.
    @Field(key: "basis") var basis: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// The months for which the card job has run, so that it runs once per month across instances.
final class CardRun: Model, @unchecked Sendable {
    static let schema = "card_runs"

    @ID(custom: "month", generatedBy: .user) var id: String?
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Field(key: "activated") var activated: Int

    init() {}
}

struct CreateVolunteerCards: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(VolunteerCard.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("number", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id")
            .unique(on: "number")
            .create()
        try await database.schema(CardActivation.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("month", .string, .required)
            .field("basis", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "month")
            .create()
        try await database.schema(CardRun.schema)
            .field("month", .string, .identifier(auto: false))
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("activated", .int, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "hour_entries_decided_idx").on(HourEntry.schema).column("status").column("worked_on").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CardRun.schema).delete()
        try await database.schema(CardActivation.schema).delete()
        try await database.schema(VolunteerCard.schema).delete()
    }
}

/// The monthly job: which cards are active in a month. Any instance may start it; the month's run row,
/// inserted once, makes one of them its only runner.
enum CardJob {
    struct Result {
        let volunteers: Int
        let coordinators: Int
    }

    /// Runs the job for `month` unless it ran; nil when another instance has it.
    static func runIfDue(_ month: YearMonth, app: Application) async throws -> Result? {
        let run = CardRun()
        run.id = month.description
        run.startedAt = Date()
        run.activated = 0
        do {
            try await run.create(on: app.db)
        } catch {
            return nil  // already claimed for this month
        }
        let result = try await compute(month, on: app.db, mailer: Mailer(application: app, db: app.db))
        run.finishedAt = Date()
        run.activated = result.volunteers + result.coordinators
        try await run.save(on: app.db)
        return result
    }

    /// Writes the month's activations from the month before: volunteers whose confirmed hours met their
    /// requirement, coordinators who confirmed hours. Those newly active are told.
    static func compute(_ month: YearMonth, on db: any Database, mailer: Mailer? = nil) async throws -> Result {
        guard let sql = db as? any SQLDatabase else { return Result(volunteers: 0, coordinators: 0) }
        let previous = month.adding(months: -1)
        let from = previous.description + "-01", to = previous.description + "-31"
        // Confirmed quarter hours of the month before, per volunteer, with the birth date for the requirement.
        let volunteerRows = try await sql.raw("""
            SELECT e.volunteer_id, CAST(SUM(e.quarter_hours) AS BIGINT) AS total, u.date_of_birth FROM hour_entries e JOIN users u ON u.id = e.volunteer_id
            WHERE e.status = \(bind: HourEntry.Status.confirmed.rawValue) AND e.worked_on >= \(bind: from) AND e.worked_on <= \(bind: to)
            GROUP BY e.volunteer_id, u.date_of_birth
            """).all()
        var volunteers: [UUID] = []
        let withDisability = try await ConsentRecord.granted(.disability, on: db)
        for row in volunteerRows {
            let id = try row.decode(column: "volunteer_id", as: UUID.self)
            let total = try row.decode(column: "total", as: Int.self)
            let born = try row.decode(column: "date_of_birth", as: String?.self).flatMap(Age.parseDay)
            if MembershipCalculator.volunteerCardActive(in: month, hours: [previous: total], bornOn: born, disability: withDisability.contains(id)) {
                volunteers.append(id)
            }
        }
        let coordinatorRows = try await sql.raw("""
            SELECT DISTINCT decided_by FROM hour_entries WHERE status = \(bind: HourEntry.Status.confirmed.rawValue)
            AND worked_on >= \(bind: from) AND worked_on <= \(bind: to) AND decided_by IS NOT NULL
            """).all()
        let coordinators = try coordinatorRows.map { try $0.decode(column: "decided_by", as: UUID.self) }
        let already = Set(try await CardActivation.query(on: db).filter(\.$month == month.description).all().map { $0.$user.id })
        let wasActive = Set(try await CardActivation.query(on: db).filter(\.$month == previous.description).all().map { $0.$user.id })
        var rows: [(UUID, String)] = volunteers.filter { !already.contains($0) }.map { ($0, "volunteer") }
        let volunteerSet = Set(volunteers)
        rows += coordinators.filter { !already.contains($0) && !volunteerSet.contains($0) }.map { ($0, "coordinator") }
        let now = Date()
        for start in stride(from: 0, to: rows.count, by: 2_000) {
            let batch = rows[start..<min(start + 2_000, rows.count)].map { entry -> CardActivation in
                let activation = CardActivation()
                activation.$user.id = entry.0
                activation.month = month.description
                activation.basis = entry.1
                activation.createdAt = now
                return activation
            }
            try await batch.create(on: db)
        }
        if let mailer {
            let told = rows.map(\.0).filter { !wasActive.contains($0) }
            for chunk in stride(from: 0, to: told.count, by: 500) {
                let users = try await User.query(on: db).filter(\.$id ~~ Array(told[chunk..<min(chunk + 500, told.count)])).all()
                for user in users where !user.email.hasSuffix("@korpus.invalid") {
                    try await mailer.send(template: "card_activated", to: user.email, name: user.displayName, language: user.preferredLanguage,
                                          link: SitePath.volunteerCard.path, arguments: ["month": month.description])
                }
            }
        }
        return Result(volunteers: volunteers.count, coordinators: coordinators.filter { !volunteerSet.contains($0) }.count)
    }
}

/// Runs the card job in the background once a month (at the first poll of a month), on one instance.
final class CardWorker: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBootAsync(_ application: Application) async throws {
        guard application.settings.runsWorker else { return }
        task = Task { [application] in
            while !Task.isCancelled {
                let month = YearMonth.current()
                do {
                    if let result = try await CardJob.runIfDue(month, app: application) {
                        application.logger.info("card job", metadata: ["month": "\(month)", "volunteers": "\(result.volunteers)",
                                                                      "coordinators": "\(result.coordinators)"])
                    }
                } catch {
                    application.logger.error("card job: \(error)")
                }
                try? await Task.sleep(for: .seconds(600))
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        await task?.value
    }
}

/// The card page of a person, and the public check of a card number.
struct VolunteerCardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(SignedInGuard()).get(SitePath.volunteerCard.components, use: card)
        routes.get(SitePath.checkCard.components, use: check).publicAccess()
    }

    struct CardPage: Encodable {
        let number: String
        let active: Bool
        let status: String
        let months: [String]
    }

    static func validity(_ month: YearMonth, _ req: Request) -> String {
        DateFormat(catalogue: req.catalogue).longDay(month.lastDayText)
    }

    @Sendable
    func card(req: Request) async throws -> View {
        let user = try req.requireUser()
        let card = try await VolunteerCard.of(try user.requireID(), on: req.db)
        let now = YearMonth.current()
        let activations = try await CardActivation.query(on: req.db).filter(\.$user.$id == user.requireID()).sort(\.$month, .descending).limit(12).all()
        let active = activations.contains { $0.month == now.description }
        return try await req.render("engagement/card", title: req.t("card.title"), CardPage(
            number: VolunteerCard.display(card.number), active: active,
            status: active ? req.t("card.active_until", ["day": Self.validity(now, req)]) : req.t("card.inactive"),
            months: activations.compactMap { YearMonth($0.month) }.map { Membership.monthName($0, req) }))
    }

    struct CheckPage: Encodable {
        let number: String
        let result: String?
        let active: Bool
    }

    /// Says only whether a card is active and until when: nothing about its holder.
    @Sendable
    func check(req: Request) async throws -> Response {
        let typed = String(((try? req.query.get(String.self, at: "numer")) ?? "").prefix(40))
        guard !typed.isEmpty else { return try await req.render("engagement/card-check", title: req.t("card.check_title"), CheckPage(number: "", result: nil, active: false), status: .ok) }
        guard let digits = VolunteerCard.normalised(typed) else {
            return try await req.render("engagement/card-check", title: req.t("card.check_title"),
                                        CheckPage(number: typed, result: req.t("card.check_malformed"), active: false), status: .unprocessableEntity)
        }
        let now = YearMonth.current()
        var result = req.t("card.check_unknown")
        var active = false
        if let card = try await VolunteerCard.query(on: req.db).filter(\.$number == digits).first() {
            active = try await CardActivation.query(on: req.db).filter(\.$user.$id == card.$user.id).filter(\.$month == now.description).count() > 0
            result = active ? req.t("card.check_active", ["day": Self.validity(now, req)]) : req.t("card.check_inactive")
        }
        return try await req.render("engagement/card-check", title: req.t("card.check_title"), CheckPage(number: typed, result: result, active: active), status: .ok)
    }
}

/// `korpus cards [--month yyyy-MM]`: runs the card job for a month now (the worker does it by itself at
/// the start of each month), and says how long it took.
struct CardsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "month", help: "The month whose cards to compute (yyyy-MM); this month by default.")
        var month: String?
    }

    var help: String { "Computes which Volunteer Cards are active in a month." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let month = signature.month.map({ YearMonth($0) }) ?? YearMonth.current() else {
            context.console.error("The month is written yyyy-MM, e.g. 2026-11.")
            return
        }
        let started = ContinuousClock.now
        let result = try await CardJob.compute(month, on: context.application.db)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let line = "cards: month=\(month.description) volunteers=\(result.volunteers) coordinators=\(result.coordinators) seconds=\(seconds)"
        context.console.output(line.consoleText())
    }
}
