import Foundation

/// The kinds of gathering the programme offers.
public enum EventKind: String, CaseIterable, Sendable, Codable {
    case basicTraining = "basic_training"
    case developmentTraining = "development_training"
    case leadershipTraining = "leadership_training"
    case coordinatorBasicTraining = "coordinator_basic_training"
    case coordinatorDevelopmentTraining = "coordinator_development_training"
    case teacherTraining = "teacher_training"
    case internship
    case debate
    case localMeeting = "local_meeting"
    case nationalForum = "national_forum"
    case camp
    case volunteerAction = "volunteer_action"
    case gala

    public var catalogueKey: String { "event.kind.\(rawValue)" }

    /// Kinds whose completion is certified (trainings and internships).
    public var certifiesCompletion: Bool {
        switch self {
        case .basicTraining, .developmentTraining, .leadershipTraining, .coordinatorBasicTraining, .coordinatorDevelopmentTraining,
             .teacherTraining, .internship: true
        default: false
        }
    }

    /// The training a developmental one builds on.
    public var usualPrerequisite: EventKind? {
        switch self {
        case .developmentTraining: .basicTraining
        case .coordinatorDevelopmentTraining: .coordinatorBasicTraining
        default: nil
        }
    }
}

/// Whom an event is for.
public enum EventAudience: String, CaseIterable, Sendable, Codable {
    case volunteers, coordinators, organisers, teachers

    public var catalogueKey: String { "event.audience.\(rawValue)" }
}

/// What decides whether a person may register for an event.
public struct EventFacts: Sendable {
    public var open: Bool
    public var deadline: String?
    public var capacity: Int
    public var taken: Int
    public var waitlist: Bool
    public var minimumAge: Int?
    public var maximumAge: Int?
    public var voivodeship: String?
    public var coordinatorsOnly: Bool
    public var prerequisite: EventKind?
    /// The organiser selects among applications (camps, internships) instead of first come, first served.
    public var selection: Bool

    public init(open: Bool, deadline: String?, capacity: Int, taken: Int, waitlist: Bool, minimumAge: Int? = nil, maximumAge: Int? = nil,
                voivodeship: String? = nil, coordinatorsOnly: Bool = false, prerequisite: EventKind? = nil, selection: Bool = false) {
        self.open = open
        self.deadline = deadline
        self.capacity = capacity
        self.taken = taken
        self.waitlist = waitlist
        self.minimumAge = minimumAge
        self.maximumAge = maximumAge
        self.voivodeship = voivodeship
        self.coordinatorsOnly = coordinatorsOnly
        self.prerequisite = prerequisite
        self.selection = selection
    }
}

/// The person who wants to register.
public struct RegistrantFacts: Sendable {
    public var age: Int?
    public var voivodeship: String?
    public var isCoordinator: Bool
    public var completed: Set<EventKind>
    public var alreadyRegistered: Bool

    public init(age: Int?, voivodeship: String?, isCoordinator: Bool, completed: Set<EventKind>, alreadyRegistered: Bool) {
        self.age = age
        self.voivodeship = voivodeship
        self.isCoordinator = isCoordinator
        self.completed = completed
        self.alreadyRegistered = alreadyRegistered
    }
}

/// The outcome of a registration: a place, a place on the waitlist, an application for the organiser to
/// decide on, or a refusal with its reason.
public enum RegistrationDecision: Equatable, Sendable {
    case place
    case waitlist
    case application
    case refused(Refusal)

    public enum Refusal: String, Sendable {
        case closed, deadlinePassed = "deadline_passed", alreadyRegistered = "already_registered", full, tooYoung = "too_young",
             tooOld = "too_old", outsideRegion = "outside_region", coordinatorsOnly = "coordinators_only", prerequisite

        public var catalogueKey: String { "event.refusal.\(rawValue)" }
    }
}

public enum EventRules {
    /// Whether and how a person may register on `today` (yyyy-MM-dd); every rule is checked before places.
    public static func decide(_ event: EventFacts, _ person: RegistrantFacts, today: String) -> RegistrationDecision {
        if person.alreadyRegistered { return .refused(.alreadyRegistered) }
        if !event.open { return .refused(.closed) }
        if let deadline = event.deadline, today > deadline { return .refused(.deadlinePassed) }
        if let minimum = event.minimumAge, (person.age ?? 0) < minimum { return .refused(.tooYoung) }
        if let maximum = event.maximumAge, let age = person.age, age > maximum { return .refused(.tooOld) }
        if let region = event.voivodeship, person.voivodeship != region { return .refused(.outsideRegion) }
        if event.coordinatorsOnly && !person.isCoordinator { return .refused(.coordinatorsOnly) }
        if let prerequisite = event.prerequisite, !person.completed.contains(prerequisite) { return .refused(.prerequisite) }
        if event.selection { return .application }
        if event.taken < event.capacity { return .place }
        return event.waitlist ? .waitlist : .refused(.full)
    }
}
