/// The 16 Polish voivodeships, identified by their TERYT codes.
public enum Voivodeship: String, CaseIterable, Sendable, Codable, Comparable {
    case dolnoslaskie = "02"
    case kujawskoPomorskie = "04"
    case lubelskie = "06"
    case lubuskie = "08"
    case lodzkie = "10"
    case malopolskie = "12"
    case mazowieckie = "14"
    case opolskie = "16"
    case podkarpackie = "18"
    case podlaskie = "20"
    case pomorskie = "22"
    case slaskie = "24"
    case swietokrzyskie = "26"
    case warminskoMazurskie = "28"
    case wielkopolskie = "30"
    case zachodniopomorskie = "32"

    /// The TERYT code, two digits from 02 to 32.
    public var terytCode: String { rawValue }

    /// The official Polish name, lower case as in TERYT ("pomorskie").
    public var polishName: String {
        switch self {
        case .dolnoslaskie: "dolnośląskie"
        case .kujawskoPomorskie: "kujawsko-pomorskie"
        case .lubelskie: "lubelskie"
        case .lubuskie: "lubuskie"
        case .lodzkie: "łódzkie"
        case .malopolskie: "małopolskie"
        case .mazowieckie: "mazowieckie"
        case .opolskie: "opolskie"
        case .podkarpackie: "podkarpackie"
        case .podlaskie: "podlaskie"
        case .pomorskie: "pomorskie"
        case .slaskie: "śląskie"
        case .swietokrzyskie: "świętokrzyskie"
        case .warminskoMazurskie: "warmińsko-mazurskie"
        case .wielkopolskie: "wielkopolskie"
        case .zachodniopomorskie: "zachodniopomorskie"
        }
    }

    /// Key of the voivodeship's name in the language catalogues.
    public var catalogueKey: String { "voivodeship.\(rawValue)" }

    public init?(terytCode: String) {
        self.init(rawValue: terytCode)
    }

    public static func < (lhs: Voivodeship, rhs: Voivodeship) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
