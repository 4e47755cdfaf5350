import Fluent
import KorpusCore
import Leaf
import LeafKit
import Vapor

/// The one place that wires Korpus together: settings, database, migrations, views, middleware, commands
/// and routes. Tests call it with their own settings and database.
public func configure(_ app: Application, settings: Settings, database: DatabaseTarget? = nil) async throws {
    app.settings = settings
    app.catalogues = try Catalogues.bundled()
    app.documentSeal = try DocumentSeals.load(settings, logger: app.logger)

    // Database
    let target = database ?? DatabaseTarget.from(settings)
    app.databaseTarget = target
    try target.configure(app, connections: settings.databaseConnections)
    try await target.prepare(app)
    app.databases.middleware.use(OfferIndex.Middleware())
    app.databases.middleware.use(Engagement.Middleware())
    app.databases.middleware.use(ChangeLogWriteNote<HelpOffer>())
    app.databases.middleware.use(ChangeLogWriteNote<User>())
    app.databases.middleware.use(ChangeLogWriteNote<ConsentRecord>())
    app.memoryIndexes = settings.searchInMemory ? .on() : .off
    app.migrations.add(CreateRegions())
    app.migrations.add(CreateUser())
    app.migrations.add(UpdateUserAddAccountFields())
    app.migrations.add(CreateSessions())
    app.migrations.add(CreateThrottles())
    app.migrations.add(CreateAuditLog())
    app.migrations.add(CreateOutbox())
    app.migrations.add(CreateAccountTables())
    app.migrations.add(CreateOrganisations())
    app.migrations.add(CreatePartners())
    app.migrations.add(CreateOffers())
    app.migrations.add(CreateHelpOffers())
    app.migrations.add(CreateConversations())
    app.migrations.add(CreateOfferIndex())
    app.migrations.add(UpdateHelpOffersForMatching())
    app.migrations.add(CreateAlerts())
    app.migrations.add(CreatePartnerships())
    app.migrations.add(CreateMatchingIndexes())
    app.migrations.add(CreateEngagements())
    app.migrations.add(CreateVolunteerCards())
    app.migrations.add(CreateAgreements())
    app.migrations.add(CreateConsentIndex())
    app.migrations.add(CreateEvents())
    app.migrations.add(CreateCounselling())
    app.migrations.add(CreateCompetences())
    app.migrations.add(CreateChangeLog())

    // Passwords: bcrypt; tests use the lowest cost so that hashing does not dominate their time.
    app.passwords.use(app.environment == .testing ? .bcrypt(cost: 4) : .bcrypt)

    // Views
    app.views.use(.leaf)
    if settings.cacheTemplates {
        // Leaf re-reads and re-parses every template on every page in the development environment (the
        // default of `korpus serve`); parsed once, a page renders several times faster.
        app.views.use { app in
            var userInfo = app.leaf.userInfo
            userInfo["application"] = app
            var cache = app.leaf.cache
            cache.isEnabled = true
            return LeafRenderer(configuration: app.leaf.configuration, tags: app.leaf.tags, cache: cache, sources: app.leaf.sources,
                                eventLoop: app.eventLoopGroup.next(), userInfo: userInfo)
        }
    }
    let escapedTexts = TranslateTag.escapedTexts(app.catalogues)
    app.leaf.tags["t"] = TranslateTag(escapedTexts)
    app.leaf.sources = .singleSource(LocalizedTemplates(
        files: NIOLeafFiles(fileio: app.fileio, limits: .default, sandboxDirectory: app.leaf.configuration.rootDirectory,
                            viewDirectory: app.leaf.configuration.rootDirectory),
        texts: escapedTexts))
    app.leaf.tags["tp"] = TranslatePluralTag()
    app.leaf.tags["number"] = NumberTag()

    // Requests
    app.routes.defaultMaxBodySize = ByteCount(value: settings.maxBodyBytes)
    app.middleware = Middlewares()
    let inFlight = InFlightRequests()
    app.middleware.use(inFlight)
    app.middleware.use(RequestMetricsMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(LanguageMiddleware())
    app.middleware.use(BodyLimitMiddleware(maxBytes: settings.maxBodyBytes))
    app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(CSRFMiddleware())
    app.middleware.use(SessionAuthenticator())

    // Background work
    app.lifecycle.use(MailWorker())
    app.lifecycle.use(PollingWorker("alert sender") { try await AlertSender.sendDue($0) })
    app.lifecycle.use(CardWorker())
    app.lifecycle.use(PollingWorker("reminders") { try await Reminders.sendDue($0) })
    // Registered last, so it is the first to stop: the database stays open until the last request is answered.
    app.lifecycle.use(inFlight)

    // Commands
    app.asyncCommands.use(SeedCommand(), as: "seed")
    app.asyncCommands.use(CardsCommand(), as: "cards")
    app.asyncCommands.use(BackupCommand(), as: "backup")

    try routes(app)
}

func routes(_ app: Application) throws {
    try app.register(collection: HomeController())
    try app.register(collection: LanguageController())
    try app.register(collection: LocalitiesController())
    try app.register(collection: HealthController())
    try app.register(collection: MetricsController(token: Environment.get("KORPUS_METRICS_TOKEN")))
    try app.register(collection: RegistrationController())
    try app.register(collection: SignInController())
    try app.register(collection: AccountController())
    try app.register(collection: OrganisationsController())
    try app.register(collection: PartnerController())
    try app.register(collection: AssessmentController())
    try app.register(collection: ResultsController())
    try app.register(collection: CompetenceStatisticsController())
    try app.register(collection: AdminController())
    try app.register(collection: APIController())
    try app.register(collection: OffersController())
    try app.register(collection: OffersAPIController())
    try app.register(collection: MatchingController())
    try app.register(collection: MatchingAPIController())
    try app.register(collection: AlertsController())
    try app.register(collection: PartnershipsController())
    try app.register(collection: HoursController())
    try app.register(collection: VolunteerCardController())
    try app.register(collection: AgreementsController())
    try app.register(collection: CertificatesController())
    try app.register(collection: VerificationController())
    try app.register(collection: EventsController())
    try app.register(collection: CounsellingController())
    try app.register(collection: HoursAPIController())
    try app.register(collection: HelpOffersController())
    try app.register(collection: ConversationsController())
}

extension Application {
    private struct DatabaseTargetKey: StorageKey {
        typealias Value = DatabaseTarget
    }

    /// The database this instance was configured with.
    public var databaseTarget: DatabaseTarget {
        get { storage[DatabaseTargetKey.self] ?? .sqliteMemory(identifier: "unset") }
        set { storage[DatabaseTargetKey.self] = newValue }
    }
}
