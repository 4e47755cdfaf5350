import Vapor

/// Every page of the site, used both to register routes and to build links, so a link cannot point to a
/// route that does not exist.
public enum SitePath: Sendable, Equatable {
    case home
    case localities
    case aboutData
    case language(String)
    case health
    case metrics
    case document(String)
    // accounts
    case register
    case registrationSent
    case verifyEmail(String)
    case signIn
    case signOut
    case passwordResetRequest
    case passwordReset(String)
    case account
    case accountPassword
    case accountEmail
    case confirmEmailChange(String)
    case accountConsents
    case accountExport
    case accountErase
    case accountTokens
    case revokeToken(String)
    case accountChildren
    case guardianConsent(String)
    // organisations
    case organisations
    case organisation(String)
    case organisationLogo(String)
    case newOrganisation
    case manageOrganisation(String)
    case inviteCoordinator(String)
    case revokeCoordinator(organisation: String, membership: String)
    case invitation(String)
    // offers (SOW)
    case offers
    case offer(String)
    case organisationOffers(String)
    case newOffer(String)
    case editOffer(String)
    case offerState(String)
    case apply(String)
    case offerApplications(String)
    case organisationApplications(String)
    case offerMatches(String)
    case decideApplication(String)
    case myApplications
    case withdrawApplication(String)
    case myHelpOffer
    case recommendations
    case alerts
    case deleteAlert(String)
    case unsubscribe(String)
    case helpOffers
    case partnerships
    case myHours
    case volunteerCard
    case checkCard
    case myHoursExport
    case deleteHours(String)
    case correctHours(String)
    case organisationHours(String)
    case organisationHoursExport(String)
    case confirmHours(String)
    case returnHours(String)
    case engagementAgreement(String)
    case prepareAgreement(String)
    case acceptAgreement(String)
    case agreementPDF(String)
    case agreementTemplate(String)
    case guardianAgreement(String)
    case requestCertificate(String)
    case issueCertificate(String)
    case certificatePDF(String)
    case organisationEngagements(String)
    case verificationCode(String)
    case verification
    case event(String)
    case eventCalendarFile(String)
    case calendarFeed(String)
    case registerForEvent(String)
    case cancelRegistration(String)
    case eventRegistrants(String)
    case eventRegistrantsExport(String)
    case eventAttendance(String)
    case eventRegistrationState(String)
    case eventCertificates(String)
    case eventCertificatePDF(String)
    case events
    case newEvent
    case myEvents
    case myEventsFeed
    case registerVolunteer(String)
    case messageRegistrants(String)
    case callOffEvent(String)
    case selectApplicant(String, String)
    case bookCounselling(String)
    case cancelCounselling(String)
    case counselling
    case newCounselling
    case partnershipNeed(String)
    case respondToNeed(String)
    case closeNeed(String)
    case organisationPartnerships(String)
    case newPartnershipNeed(String)
    case inviteVolunteer(String)
    case answerInvitation(String)
    case hideOffer(String)
    case applicationThread(String)
    case notifications
    case suspendAccount
    // competences
    case competences
    case startAssessment
    case assessmentArea(String, Int)
    case competenceResult(String)
    case competencePDF(String)
    case shareResult(String)
    case revokeShare(String)
    case sharedResult(String)
    case tagTraining(String)
    case competenceStatistics
    // partners and administration
    case partnerQueue
    case verifyOrganisation(String)
    case admin
    case adminPartners
    case adminOperators(String)
    case adminAudit
    case adminOutbox

    /// The path as written in links.
    public var path: String {
        switch self {
        case .home: "/"
        case .localities: "/miejscowosci"
        case .aboutData: "/o-danych"
        case .language(let code): "/jezyk/\(code)"
        case .health: "/health"
        case .metrics: "/metrics"
        case .document(let kind): "/dokumenty/\(kind)"
        case .register: "/rejestracja"
        case .registrationSent: "/rejestracja/wyslano"
        case .verifyEmail(let token): "/rejestracja/potwierdz/\(token)"
        case .signIn: "/logowanie"
        case .signOut: "/wylogowanie"
        case .passwordResetRequest: "/haslo"
        case .passwordReset(let token): "/haslo/\(token)"
        case .account: "/konto"
        case .accountPassword: "/konto/haslo"
        case .accountEmail: "/konto/email"
        case .confirmEmailChange(let token): "/konto/email/\(token)"
        case .accountConsents: "/konto/zgody"
        case .accountExport: "/konto/dane.json"
        case .accountErase: "/konto/usun"
        case .accountTokens: "/konto/tokeny"
        case .revokeToken(let id): "/konto/tokeny/\(id)/odwolaj"
        case .accountChildren: "/konto/dzieci"
        case .guardianConsent(let token): "/zgoda-opiekuna/\(token)"
        case .organisations: "/organizacje"
        case .organisation(let id): "/organizacje/\(id)"
        case .organisationLogo(let id): "/organizacje/\(id)/logo"
        case .newOrganisation: "/organizacje/nowa"
        case .manageOrganisation(let id): "/organizacje/\(id)/zarzadzanie"
        case .inviteCoordinator(let id): "/organizacje/\(id)/koordynatorzy"
        case .revokeCoordinator(let organisation, let membership): "/organizacje/\(organisation)/koordynatorzy/\(membership)/odwolaj"
        case .invitation(let token): "/zaproszenia/\(token)"
        case .offers: "/oferty"
        case .offer(let id): "/oferty/\(id)"
        case .organisationOffers(let id): "/organizacje/\(id)/oferty"
        case .newOffer(let id): "/organizacje/\(id)/oferty/nowa"
        case .editOffer(let id): "/oferty/\(id)/edycja"
        case .offerState(let id): "/oferty/\(id)/stan"
        case .apply(let id): "/oferty/\(id)/zgloszenie"
        case .offerApplications(let id): "/oferty/\(id)/zgloszenia"
        case .organisationApplications(let id): "/organizacje/\(id)/zgloszenia"
        case .offerMatches(let id): "/oferty/\(id)/pasujacy-wolontariusze"
        case .decideApplication(let id): "/zgloszenia/\(id)/decyzja"
        case .myApplications: "/moje-zgloszenia"
        case .withdrawApplication(let id): "/zgloszenia/\(id)/wycofaj"
        case .myHelpOffer: "/moja-oferta-pomocy"
        case .recommendations: "/polecane"
        case .alerts: "/powiadomienia-email"
        case .deleteAlert(let id): "/powiadomienia-email/\(id)/usun"
        case .unsubscribe(let token): "/wypisz/\(token)"
        case .helpOffers: "/oferty-pomocy"
        case .partnerships: "/partnerstwa"
        case .myHours: "/moje-godziny"
        case .volunteerCard: "/karta"
        case .checkCard: "/karta/sprawdz"
        case .myHoursExport: "/moje-godziny.csv"
        case .deleteHours(let id): "/moje-godziny/\(id)/usun"
        case .correctHours(let id): "/moje-godziny/\(id)/korekta"
        case .organisationHours(let id): "/organizacje/\(id)/godziny"
        case .organisationHoursExport(let id): "/organizacje/\(id)/godziny.csv"
        case .confirmHours(let id): "/organizacje/\(id)/godziny/potwierdz"
        case .returnHours(let id): "/godziny/\(id)/zwroc"
        case .engagementAgreement(let id): "/zaangazowania/\(id)/porozumienie"
        case .prepareAgreement(let id): "/zaangazowania/\(id)/porozumienie/przygotuj"
        case .acceptAgreement(let id): "/porozumienia/\(id)/akceptacja"
        case .agreementPDF(let id): "/porozumienia/\(id)/pdf"
        case .agreementTemplate(let id): "/organizacje/\(id)/wzor-porozumienia"
        case .guardianAgreement(let token): "/porozumienie-opiekuna/\(token)"
        case .requestCertificate(let id): "/zaangazowania/\(id)/zaswiadczenie"
        case .issueCertificate(let id): "/zaswiadczenia/\(id)/wystaw"
        case .certificatePDF(let id): "/zaswiadczenia/\(id)/pdf"
        case .organisationEngagements(let id): "/organizacje/\(id)/zaangazowania"
        case .verificationCode(let code): "/weryfikacja/\(code)"
        case .verification: "/weryfikacja"
        case .event(let id): "/wydarzenia/\(id)"
        case .eventCalendarFile(let id): "/wydarzenia/\(id)/kalendarz.ics"
        case .calendarFeed(let token): "/kalendarz/\(token)"
        case .registerForEvent(let id): "/wydarzenia/\(id)/zapis"
        case .cancelRegistration(let id): "/wydarzenia/\(id)/rezygnacja"
        case .eventRegistrants(let id): "/wydarzenia/\(id)/uczestnicy"
        case .eventRegistrantsExport(let id): "/wydarzenia/\(id)/uczestnicy.csv"
        case .eventAttendance(let id): "/wydarzenia/\(id)/obecnosc"
        case .eventRegistrationState(let id): "/wydarzenia/\(id)/zapisy"
        case .eventCertificates(let id): "/wydarzenia/\(id)/zaswiadczenia"
        case .eventCertificatePDF(let id): "/zaswiadczenia-ukonczenia/\(id)/pdf"
        case .events: "/wydarzenia"
        case .newEvent: "/wydarzenia/nowe"
        case .myEvents: "/moje-wydarzenia"
        case .myEventsFeed: "/moje-wydarzenia/kalendarz"
        case .registerVolunteer(let id): "/wydarzenia/\(id)/zapis-wolontariusza"
        case .messageRegistrants(let id): "/wydarzenia/\(id)/wiadomosc"
        case .callOffEvent(let id): "/wydarzenia/\(id)/odwolanie"
        case .selectApplicant(let event, let registration): "/wydarzenia/\(event)/wybor/\(registration)"
        case .bookCounselling(let id): "/poradnictwo/\(id)/rezerwacja"
        case .cancelCounselling(let id): "/poradnictwo/rezerwacje/\(id)/anuluj"
        case .counselling: "/poradnictwo"
        case .newCounselling: "/poradnictwo/nowe"
        case .partnershipNeed(let id): "/partnerstwa/\(id)"
        case .respondToNeed(let id): "/partnerstwa/\(id)/odpowiedz"
        case .closeNeed(let id): "/partnerstwa/\(id)/zamknij"
        case .organisationPartnerships(let id): "/organizacje/\(id)/partnerstwa"
        case .newPartnershipNeed(let id): "/organizacje/\(id)/partnerstwa/nowa"
        case .inviteVolunteer(let id): "/oferty-pomocy/\(id)/zapros"
        case .answerInvitation(let id): "/zaproszenia-do-ofert/\(id)/odpowiedz"
        case .hideOffer(let id): "/oferty/\(id)/ukrycie"
        case .applicationThread(let id): "/zgloszenia/\(id)/wiadomosci"
        case .notifications: "/powiadomienia"
        case .suspendAccount: "/partner/zawieszenie-konta"
        case .competences: "/kompetencje"
        case .startAssessment: "/kompetencje/samoocena"
        case .assessmentArea(let id, let number): "/kompetencje/samoocena/\(id)/\(number)"
        case .competenceResult(let id): "/kompetencje/wyniki/\(id)"
        case .competencePDF(let id): "/kompetencje/wyniki/\(id)/pdf"
        case .shareResult(let id): "/kompetencje/wyniki/\(id)/udostepnij"
        case .revokeShare(let id): "/kompetencje/udostepnienia/\(id)/wycofaj"
        case .sharedResult(let token): "/kompetencje/udostepnione/\(token)"
        case .tagTraining(let id): "/kompetencje/szkolenia/\(id)"
        case .competenceStatistics: "/partner/kompetencje"
        case .partnerQueue: "/partner"
        case .verifyOrganisation(let id): "/partner/organizacje/\(id)/weryfikacja"
        case .admin: "/admin"
        case .adminPartners: "/admin/partnerzy"
        case .adminOperators(let id): "/admin/partnerzy/\(id)/operatorzy"
        case .adminAudit: "/admin/audyt"
        case .adminOutbox: "/admin/poczta"
        }
    }

    /// The path as registered with the router: parameters become `:name` components.
    public var components: [PathComponent] {
        switch self {
        case .home: []
        case .language: Self.pattern(.language(":code"))
        case .document: Self.pattern(.document(":kind"))
        case .verifyEmail: Self.pattern(.verifyEmail(":token"))
        case .passwordReset: Self.pattern(.passwordReset(":token"))
        case .confirmEmailChange: Self.pattern(.confirmEmailChange(":token"))
        case .revokeToken: Self.pattern(.revokeToken(":tokenID"))
        case .guardianConsent: Self.pattern(.guardianConsent(":token"))
        case .organisation: Self.pattern(.organisation(":organisationID"))
        case .organisationLogo: Self.pattern(.organisationLogo(":organisationID"))
        case .manageOrganisation: Self.pattern(.manageOrganisation(":organisationID"))
        case .inviteCoordinator: Self.pattern(.inviteCoordinator(":organisationID"))
        case .revokeCoordinator: Self.pattern(.revokeCoordinator(organisation: ":organisationID", membership: ":membershipID"))
        case .invitation: Self.pattern(.invitation(":token"))
        case .verifyOrganisation: Self.pattern(.verifyOrganisation(":organisationID"))
        case .offer: Self.pattern(.offer(":offerID"))
        case .organisationOffers: Self.pattern(.organisationOffers(":organisationID"))
        case .newOffer: Self.pattern(.newOffer(":organisationID"))
        case .editOffer: Self.pattern(.editOffer(":offerID"))
        case .offerState: Self.pattern(.offerState(":offerID"))
        case .apply: Self.pattern(.apply(":offerID"))
        case .offerApplications: Self.pattern(.offerApplications(":offerID"))
        case .organisationApplications: Self.pattern(.organisationApplications(":organisationID"))
        case .offerMatches: Self.pattern(.offerMatches(":offerID"))
        case .deleteAlert: Self.pattern(.deleteAlert(":alertID"))
        case .unsubscribe: Self.pattern(.unsubscribe(":token"))
        case .decideApplication: Self.pattern(.decideApplication(":applicationID"))
        case .withdrawApplication: Self.pattern(.withdrawApplication(":applicationID"))
        case .inviteVolunteer: Self.pattern(.inviteVolunteer(":helpOfferID"))
        case .answerInvitation: Self.pattern(.answerInvitation(":invitationID"))
        case .hideOffer: Self.pattern(.hideOffer(":offerID"))
        case .applicationThread: Self.pattern(.applicationThread(":applicationID"))
        case .adminOperators: Self.pattern(.adminOperators(":partnerID"))
        case .partnershipNeed: Self.pattern(.partnershipNeed(":needID"))
        case .deleteHours: Self.pattern(.deleteHours(":entryID"))
        case .correctHours: Self.pattern(.correctHours(":entryID"))
        case .organisationHours: Self.pattern(.organisationHours(":organisationID"))
        case .organisationHoursExport: Self.pattern(.organisationHoursExport(":organisationID"))
        case .confirmHours: Self.pattern(.confirmHours(":organisationID"))
        case .returnHours: Self.pattern(.returnHours(":entryID"))
        case .engagementAgreement: Self.pattern(.engagementAgreement(":engagementID"))
        case .prepareAgreement: Self.pattern(.prepareAgreement(":engagementID"))
        case .acceptAgreement: Self.pattern(.acceptAgreement(":agreementID"))
        case .agreementPDF: Self.pattern(.agreementPDF(":agreementID"))
        case .agreementTemplate: Self.pattern(.agreementTemplate(":organisationID"))
        case .guardianAgreement: Self.pattern(.guardianAgreement(":token"))
        case .requestCertificate: Self.pattern(.requestCertificate(":engagementID"))
        case .issueCertificate: Self.pattern(.issueCertificate(":certificateID"))
        case .certificatePDF: Self.pattern(.certificatePDF(":certificateID"))
        case .organisationEngagements: Self.pattern(.organisationEngagements(":organisationID"))
        case .verificationCode: Self.pattern(.verificationCode(":code"))
        case .event: Self.pattern(.event(":eventID"))
        case .eventCalendarFile: Self.pattern(.eventCalendarFile(":eventID"))
        case .calendarFeed: Self.pattern(.calendarFeed(":token"))
        case .registerForEvent: Self.pattern(.registerForEvent(":eventID"))
        case .cancelRegistration: Self.pattern(.cancelRegistration(":eventID"))
        case .eventRegistrants: Self.pattern(.eventRegistrants(":eventID"))
        case .eventRegistrantsExport: Self.pattern(.eventRegistrantsExport(":eventID"))
        case .eventAttendance: Self.pattern(.eventAttendance(":eventID"))
        case .eventRegistrationState: Self.pattern(.eventRegistrationState(":eventID"))
        case .eventCertificates: Self.pattern(.eventCertificates(":eventID"))
        case .eventCertificatePDF: Self.pattern(.eventCertificatePDF(":registrationID"))
        case .registerVolunteer: Self.pattern(.registerVolunteer(":eventID"))
        case .messageRegistrants: Self.pattern(.messageRegistrants(":eventID"))
        case .callOffEvent: Self.pattern(.callOffEvent(":eventID"))
        case .selectApplicant: Self.pattern(.selectApplicant(":eventID", ":registrationID"))
        case .bookCounselling: Self.pattern(.bookCounselling(":slotID"))
        case .cancelCounselling: Self.pattern(.cancelCounselling(":bookingID"))
        case .respondToNeed: Self.pattern(.respondToNeed(":needID"))
        case .closeNeed: Self.pattern(.closeNeed(":needID"))
        case .organisationPartnerships: Self.pattern(.organisationPartnerships(":organisationID"))
        case .newPartnershipNeed: Self.pattern(.newPartnershipNeed(":organisationID"))
        case .assessmentArea: "/kompetencje/samoocena/:assessmentID/:area".pathComponents
        case .competenceResult: Self.pattern(.competenceResult(":assessmentID"))
        case .competencePDF: Self.pattern(.competencePDF(":assessmentID"))
        case .shareResult: Self.pattern(.shareResult(":assessmentID"))
        case .revokeShare: Self.pattern(.revokeShare(":shareID"))
        case .sharedResult: Self.pattern(.sharedResult(":token"))
        case .tagTraining: Self.pattern(.tagTraining(":registrationID"))
        default: path.pathComponents
        }
    }

    private static func pattern(_ path: SitePath) -> [PathComponent] {
        path.path.pathComponents
    }
}

/// The JSON API, under `/api/v1`.
public enum APIPath: Sendable {
    case localities
    case voivodeships
    case me
    case organisations
    case organisation(String)
    case offers
    case offer(String)
    case organisationOffers(String)
    case offerApplications(String)
    case applications
    case applicationState(String)
    case recommendations
    case offerVolunteers(String)
    case membership
    case hours
    case organisationHours(String)
    case confirmHours(String)
    case openAPI

    public var path: String {
        switch self {
        case .localities: "/api/v1/localities"
        case .voivodeships: "/api/v1/voivodeships"
        case .me: "/api/v1/me"
        case .organisations: "/api/v1/organisations"
        case .organisation(let id): "/api/v1/organisations/\(id)"
        case .offers: "/api/v1/offers"
        case .offer(let id): "/api/v1/offers/\(id)"
        case .organisationOffers(let id): "/api/v1/organisations/\(id)/offers"
        case .offerApplications(let id): "/api/v1/offers/\(id)/applications"
        case .applications: "/api/v1/applications"
        case .applicationState(let id): "/api/v1/applications/\(id)/state"
        case .recommendations: "/api/v1/recommendations"
        case .offerVolunteers(let id): "/api/v1/offers/\(id)/volunteers"
        case .membership: "/api/v1/membership"
        case .hours: "/api/v1/hours"
        case .organisationHours(let id): "/api/v1/organisations/\(id)/hours"
        case .confirmHours(let id): "/api/v1/organisations/\(id)/hours/confirm"
        case .openAPI: "/api/openapi.json"
        }
    }

    public var components: [PathComponent] {
        switch self {
        case .organisation: APIPath.organisation(":organisationID").path.pathComponents
        case .offer: APIPath.offer(":offerID").path.pathComponents
        case .organisationOffers: APIPath.organisationOffers(":organisationID").path.pathComponents
        case .offerApplications: APIPath.offerApplications(":offerID").path.pathComponents
        case .applicationState: APIPath.applicationState(":applicationID").path.pathComponents
        case .offerVolunteers: APIPath.offerVolunteers(":offerID").path.pathComponents
        case .organisationHours: APIPath.organisationHours(":organisationID").path.pathComponents
        case .confirmHours: APIPath.confirmHours(":organisationID").path.pathComponents
        default: path.pathComponents
        }
    }
}
