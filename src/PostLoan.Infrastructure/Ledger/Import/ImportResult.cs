using PostLoan.Domain.Common;

namespace PostLoan.Infrastructure.Ledger.Import;

/// <summary>What an import did: rows written, or — when any row was bad — nothing written and every issue.</summary>
public sealed record ImportResult(int Written, IReadOnlyList<ImportIssue> Issues)
{
    public bool Succeeded => Issues.Count == 0;

    public static ImportResult Refused(IReadOnlyList<ImportIssue> issues) => new(0, issues);
}
