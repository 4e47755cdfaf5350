import Foundation
import Vapor

/// Where rendered messages go.
protocol MailTransport: Sendable {
    func deliver(_ rendered: String, id: String, recipient: String) async throws
}

/// Development and tests: each message becomes an `.eml` file in a folder (written to a temporary name
/// and renamed, so a reader never sees half a message).
struct FolderMailTransport: MailTransport {
    let folder: URL

    func deliver(_ rendered: String, id: String, recipient: String) async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = "\(Int(Date().timeIntervalSince1970 * 1000))-\(id).eml"
        let temporary = folder.appendingPathComponent(".\(name).tmp")
        try Data(rendered.utf8).write(to: temporary, options: .atomic)
        try FileManager.default.moveItem(at: temporary, to: folder.appendingPathComponent(name))
    }
}

/// Production: the message is piped to a sendmail-compatible command (`/usr/sbin/sendmail -t -i`).
struct SendmailTransport: MailTransport {
    let command: String

    func deliver(_ rendered: String, id: String, recipient: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(rendered.utf8))
        try input.fileHandleForWriting.close()
        let status: Int32 = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
        guard status == 0 else { throw MailError.sendmailFailed(status: status) }
    }
}

enum MailError: Error, CustomStringConvertible {
    case sendmailFailed(status: Int32)

    var description: String {
        switch self {
        case .sendmailFailed(let status): "sendmail exited with status \(status)"
        }
    }
}

extension Application {
    var outboxFolder: URL {
        URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("outbox")
    }

    var mailTransport: any MailTransport {
        switch settings.mailTransport {
        case .folder: FolderMailTransport(folder: outboxFolder)
        case .sendmail: SendmailTransport(command: settings.sendmailCommand)
        }
    }
}
