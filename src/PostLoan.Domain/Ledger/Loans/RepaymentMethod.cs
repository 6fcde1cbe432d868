namespace PostLoan.Domain.Ledger.Loans;

/// <summary>Repayment method (还款方式) of a loan product; domain.md section 3 gives each one's rules.</summary>
public enum RepaymentMethod
{
    /// <summary>等额本息: equal installments (annuity).</summary>
    EqualInstallment = 1,
    /// <summary>等额本金: equal principal, interest on the remaining balance.</summary>
    EqualPrincipal = 2,
    /// <summary>按月/按季付息到期还本: interest each period, principal at maturity.</summary>
    InterestOnly = 3,
    /// <summary>利随本清: principal and interest in one installment at maturity.</summary>
    Bullet = 4,
    /// <summary>随借随还: revolving line, interest accrues daily and is due monthly, principal at maturity.</summary>
    Revolving = 5,
}

/// <summary>How often interest is due for interest-only loans (付息频率).</summary>
public enum InterestFrequency
{
    Monthly = 1,
    Quarterly = 3,
}

/// <summary>Repayment allocation order (冲销顺序) of a product.</summary>
public enum AllocationOrder
{
    /// <summary>Oldest installment first; within it penalty → compound interest → interest → principal (default).</summary>
    OldestInstallmentFirst = 1,
    /// <summary>All penalties and compound interest first, then all interest, then principal.</summary>
    ChargesThenInterestThenPrincipal = 2,
}

/// <summary>The names used by the command line, the API and import files for the enumerations above.</summary>
public static class LoanCodes
{
    public static string Name(RepaymentMethod method) => method switch
    {
        RepaymentMethod.EqualInstallment => "equal-installment",
        RepaymentMethod.EqualPrincipal => "equal-principal",
        RepaymentMethod.InterestOnly => "interest-only",
        RepaymentMethod.Bullet => "bullet",
        RepaymentMethod.Revolving => "revolving",
    };

    public static bool TryParseMethod(string? text, out RepaymentMethod method)
    {
        foreach (var candidate in Enum.GetValues<RepaymentMethod>())
        {
            if (string.Equals(Name(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.ToString(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                method = candidate;
                return true;
            }
        }

        method = default;
        return false;
    }

    public static bool TryParseFrequency(string? text, out InterestFrequency frequency)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "monthly":
                frequency = InterestFrequency.Monthly;
                return true;
            case "quarterly":
                frequency = InterestFrequency.Quarterly;
                return true;
            default:
                frequency = default;
                return false;
        }
    }
}
