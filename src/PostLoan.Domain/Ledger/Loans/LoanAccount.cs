using PostLoan.Domain.Common;

namespace PostLoan.Domain.Ledger.Loans;

/// <summary>Product rules that change how a loan is serviced (贷款产品参数).</summary>
public sealed record ServicingRules(
    decimal PenaltyMarkup = 0.5m,
    int GraceDays = 0,
    AllocationOrder AllocationOrder = AllocationOrder.OldestInstallmentFirst)
{
    public static readonly ServicingRules Default = new();
}

/// <summary>One installment of a loan being serviced: the scheduled amounts and what has been paid of them.</summary>
public sealed class InstallmentState
{
    public int Period { get; init; }
    public DateOnly DueDate { get; init; }
    public decimal Principal { get; set; }
    public decimal Interest { get; set; }
    public decimal PrincipalPaid { get; set; }
    public decimal InterestPaid { get; set; }

    public decimal UnpaidPrincipal => Principal - PrincipalPaid;
    public decimal UnpaidInterest => Interest - InterestPaid;
    public bool IsPaid => UnpaidPrincipal == 0m && UnpaidInterest == 0m;
    public bool IsUntouched => PrincipalPaid == 0m && InterestPaid == 0m;
}

/// <summary>What kind of repayment the clerk posts (还款类型).</summary>
public enum PaymentKind
{
    /// <summary>Arrears and due amounts first, then the current installment, any rest prepays principal (reduce installment).</summary>
    Regular = 1,
    /// <summary>提前结清: exactly the payoff amount.</summary>
    Payoff = 2,
    /// <summary>Part prepayment of principal after arrears, re-amortised by <see cref="Reamortisation"/>.</summary>
    PartPrincipal = 3,
}

/// <summary>How the remaining schedule changes after a part prepayment.</summary>
public enum Reamortisation
{
    /// <summary>缩期不减额 is the other one: this keeps the term and lowers the installment (减额不缩期).</summary>
    ReduceInstallment = 1,
    /// <summary>缩期不减额: keeps the installment and shortens the term.</summary>
    ReduceTerm = 2,
}

/// <summary>How a payment was allocated (冲销结果).</summary>
public sealed record PaymentAllocation(decimal Amount, decimal Penalty, decimal Compound, decimal Interest, decimal Principal, bool SettlesLoan);

/// <summary>One double-entry journal line pair (借/贷) produced by servicing.</summary>
public sealed record JournalPosting(DateOnly Date, string Kind, string DebitAccount, string CreditAccount, decimal Amount);

/// <summary>The ledger accounts of the subledger (会计科目).</summary>
public static class LedgerAccounts
{
    public const string LoansReceivable = "1301 贷款";
    public const string InterestReceivable = "1132 应收利息";
    public const string ChargesReceivable = "1133 应收罚息复利";
    public const string CustomerDeposits = "2011 吸收存款";
    public const string InterestIncome = "6011 利息收入";
    public const string PenaltyIncome = "6012 罚息收入";
    public const string LoanLossReserve = "1304 贷款损失准备";
}

/// <summary>
/// A loan being serviced (贷款账户): its installments with what is paid of them and its <see cref="LoanPosition"/>.
/// Posts repayments with the product's allocation order, prepayments and re-amortisation, the ledger events that
/// change the schedule, and the daily close through <see cref="DailyCloseKernel"/> so every path computes alike.
/// </summary>
public sealed class LoanAccount
{
    private readonly List<InstallmentState> _installments;
    private readonly List<JournalPosting> _journal = [];
    private LoanPosition _position;

    private LoanAccount(long id, LoanTerms terms, ServicingRules rules, List<InstallmentState> installments, LoanPosition position)
    {
        Id = id;
        Terms = terms;
        Rules = rules;
        _installments = installments;
        _position = position;
    }

    public long Id { get; }
    public LoanTerms Terms { get; private set; }
    public ServicingRules Rules { get; }
    public LoanPosition Position => _position;
    public IReadOnlyList<InstallmentState> Installments => _installments;
    /// <summary>Journal postings made since the account was opened or restored.</summary>
    public IReadOnlyList<JournalPosting> Journal => _journal;
    /// <summary>The open business date: the day after the last closed one.</summary>
    public DateOnly BusinessDate => _position.ClosedThrough.AddDays(1);

    /// <summary>Opens a disbursed loan with its schedule (generated from the terms unless given).</summary>
    public static LoanAccount Open(long id, LoanTerms terms, ServicingRules rules, IReadOnlyList<ScheduledInstallment>? schedule = null)
    {
        schedule ??= ScheduleGenerator.Generate(terms);
        var installments = schedule.Select(s => new InstallmentState { Period = s.Period, DueDate = s.DueDate, Principal = s.Principal, Interest = s.Interest }).ToList();
        var before = terms.DisbursementDate.AddDays(-1);
        var position = new LoanPosition
        {
            LoanId = id,
            AnnualRate = terms.AnnualRate,
            PenaltyMarkup = rules.PenaltyMarkup,
            GraceDays = rules.GraceDays,
            Revolving = terms.Method == RepaymentMethod.Revolving,
            ClosedThrough = before,
            StartedThrough = before,
            Status = LoanStatus.Normal,
            PrincipalOutstanding = terms.Principal,
            PrincipalNotDue = terms.Principal,
            OldestUnpaidDue = DateOnly.MinValue,
            LastDueDate = terms.DisbursementDate,
            Category = Risk.FiveLevelCategory.Normal,
            Stage = Risk.Ifrs9Stage.Stage1,
        };
        var account = new LoanAccount(id, terms, rules, installments, position);
        account.RefreshNext(terms.DisbursementDate.AddDays(-1));
        account._journal.Add(new JournalPosting(terms.DisbursementDate, "disbursement", LedgerAccounts.LoansReceivable, LedgerAccounts.CustomerDeposits, terms.Principal));
        return account;
    }

    /// <summary>Rebuilds an account from stored installments and position (nothing is recomputed).</summary>
    public static LoanAccount Restore(long id, LoanTerms terms, ServicingRules rules, IEnumerable<InstallmentState> installments, LoanPosition position) =>
        new(id, terms, rules, installments.OrderBy(i => i.Period).ToList(), position);

    /// <summary>The installment after the position's next one, with its unpaid amounts (what the close needs on a due date).</summary>
    public UpcomingInstallment Following()
    {
        var index = _installments.FindIndex(i => i.Period == _position.NextPeriod);
        if (index < 0 || index + 1 >= _installments.Count)
        {
            return UpcomingInstallment.None;
        }

        var next = _installments[index + 1];
        return new UpcomingInstallment(next.Period, next.DueDate, next.UnpaidPrincipal, next.UnpaidInterest);
    }

    /// <summary>Runs the daily close of <paramref name="date"/> (the open business date).</summary>
    public CloseEffects CloseDay(DateOnly date)
    {
        StartDay(date);
        var effects = DailyCloseKernel.EndDay(ref _position, date);
        if (_installments.Count > 0 && _position.Revolving && _position.LastDueDate == date)
        {
            SyncRevolvingInstallment(date);
        }

        Book(date, "interest accrual", LedgerAccounts.InterestReceivable, LedgerAccounts.InterestIncome, effects.InterestAccrual);
        Book(date, "penalty charge", LedgerAccounts.ChargesReceivable, LedgerAccounts.PenaltyIncome, effects.ChargesAccrual);
        return effects;
    }

    /// <summary>Closes every day from the open business date through <paramref name="date"/>.</summary>
    public void CloseThrough(DateOnly date)
    {
        while (_position.ClosedThrough < date)
        {
            CloseDay(BusinessDate);
        }
    }

    /// <summary>The amount that settles the loan on the open business date <paramref name="date"/>.</summary>
    public decimal PayoffAmount(DateOnly date)
    {
        StartDay(date);
        return _position.PayoffAmount(date);
    }

    /// <summary>
    /// Posts a repayment on the open business date. Charges (penalty, compound interest) go first, then due installments
    /// in the product's allocation order; the rest follows <paramref name="kind"/>. More than the payoff amount is refused.
    /// </summary>
    public Result<PaymentAllocation> Pay(DateOnly date, decimal amount, PaymentKind kind = PaymentKind.Regular, Reamortisation mode = Reamortisation.ReduceInstallment)
    {
        if (date != BusinessDate)
        {
            return Error.Validation("date", $"payments are posted on the open business date {BusinessDate:yyyy-MM-dd}, not {date:yyyy-MM-dd}");
        }

        if (_position.IsClosedOut)
        {
            return Error.Conflict("loan", $"the loan is {_position.Status} and takes no payment");
        }

        if (amount <= 0m || amount != Money.RoundCents(amount))
        {
            return Error.Validation("amount", "must be a positive amount with at most 2 decimals");
        }

        StartDay(date);
        var payoff = _position.PayoffAmount(date);
        if (amount > payoff)
        {
            return Error.Validation("amount", $"{amount:0.00} exceeds the payoff amount {payoff:0.00} on {date:yyyy-MM-dd} (overpayment is refused)");
        }

        if (kind == PaymentKind.Payoff && amount != payoff)
        {
            return Error.Validation("amount", $"a payoff on {date:yyyy-MM-dd} is exactly {payoff:0.00}");
        }

        // A refused part prepayment must leave the loan as it was: keep what the allocation below changes.
        var savedPosition = _position;
        var savedPaid = _installments.Select(i => (i.PrincipalPaid, i.InterestPaid)).ToArray();
        var remaining = amount;
        var penalty = Take(ref remaining, _position.PenaltyUnpaid);
        _position.PenaltyPaid += penalty;
        var compound = Take(ref remaining, _position.CompoundUnpaid);
        _position.CompoundPaid += compound;
        decimal interest = 0m, principal = 0m;
        var due = _installments.Where(i => i.DueDate <= date && !i.IsPaid).ToList();
        if (Rules.AllocationOrder == AllocationOrder.OldestInstallmentFirst)
        {
            foreach (var installment in due)
            {
                interest += PayInterest(installment, ref remaining);
                principal += PayPrincipal(installment, ref remaining);
            }
        }
        else
        {
            foreach (var installment in due)
            {
                interest += PayInterest(installment, ref remaining);
            }

            foreach (var installment in due)
            {
                principal += PayPrincipal(installment, ref remaining);
            }
        }

        var settles = amount == payoff;
        if (settles)
        {
            var broken = _position.BrokenPeriodInterest(date);
            var first = true;
            foreach (var installment in _installments.Where(i => i.DueDate > date))
            {
                installment.Interest = installment.InterestPaid + (first ? broken : 0m);
                interest += Take(ref remaining, installment.UnpaidInterest);
                installment.InterestPaid = installment.Interest;
                principal += PayPrincipal(installment, ref remaining);
                first = false;
            }

            _position.RevolvingInterestExact = 0m;
        }
        else if (remaining > 0m)
        {
            if (kind == PaymentKind.Regular)
            {
                var current = _installments.FirstOrDefault(i => i.DueDate > date && !i.IsPaid);
                if (current is not null && !_position.Revolving)
                {
                    interest += PayInterest(current, ref remaining);
                    principal += PayPrincipal(current, ref remaining);
                }
            }

            if (remaining > 0m)
            {
                var prepaid = PrepayPrincipal(date, remaining, mode);
                if (!prepaid.IsSuccess)
                {
                    _position = savedPosition;
                    for (var i = 0; i < savedPaid.Length; i++)
                    {
                        (_installments[i].PrincipalPaid, _installments[i].InterestPaid) = savedPaid[i];
                    }

                    return prepaid.Error!;
                }

                interest += remaining - prepaid.Value;
                principal += prepaid.Value;
                remaining = 0m;
            }
        }

        RefreshAggregates(date);
        _position.InterestBooked -= interest;
        _position.ChargesBooked -= penalty + compound;
        Book(date, "repayment principal", LedgerAccounts.CustomerDeposits, LedgerAccounts.LoansReceivable, principal);
        Book(date, "repayment interest", LedgerAccounts.CustomerDeposits, LedgerAccounts.InterestReceivable, interest);
        Book(date, "repayment charges", LedgerAccounts.CustomerDeposits, LedgerAccounts.ChargesReceivable, penalty + compound);
        return new PaymentAllocation(amount, penalty, compound, interest, principal, settles);
    }

    /// <summary>展期: adds months to the term from <paramref name="date"/>; the principal not yet due is re-amortised.</summary>
    public Result<int> Extend(DateOnly date, int extraMonths)
    {
        if (extraMonths is < 1 or > 120)
        {
            return Error.Validation("extraMonths", "must be between 1 and 120");
        }

        var result = Reschedule(date, Terms.AnnualRate, Terms.TermMonths + extraMonths);
        if (result.IsSuccess)
        {
            _position.Status = LoanStatus.Extended;
        }

        return result;
    }

    /// <summary>利率调整: a new annual rate for the installments not yet due from <paramref name="date"/>.</summary>
    public Result<int> ChangeRate(DateOnly date, decimal newAnnualRate) =>
        newAnnualRate is < 0m or > 1m
            ? Error.Validation("annualRate", "must be a fraction between 0 and 1")
            : Reschedule(date, newAnnualRate, Terms.TermMonths);

    /// <summary>重组: new rate and total term; the loan is marked restructured (classification keeps it at least 关注).</summary>
    public Result<int> Restructure(DateOnly date, decimal newAnnualRate, int newTermMonths)
    {
        var result = Reschedule(date, newAnnualRate, newTermMonths);
        if (result.IsSuccess)
        {
            _position.Status = LoanStatus.Restructured;
        }

        return result;
    }

    /// <summary>核销: removes the unpaid principal from the books against the loss reserve; history stays.</summary>
    public Result<decimal> WriteOff(DateOnly date)
    {
        if (_position.IsClosedOut)
        {
            return Error.Conflict("loan", $"the loan is already {_position.Status}");
        }

        var principal = _position.PrincipalOutstanding;
        Book(date, "write-off", LedgerAccounts.LoanLossReserve, LedgerAccounts.LoansReceivable, principal);
        Book(date, "write-off interest", LedgerAccounts.InterestIncome, LedgerAccounts.InterestReceivable, _position.InterestBooked);
        Book(date, "write-off charges", LedgerAccounts.PenaltyIncome, LedgerAccounts.ChargesReceivable, _position.ChargesBooked);
        _position.InterestBooked = 0m;
        _position.ChargesBooked = 0m;
        _position.Status = LoanStatus.WrittenOff;
        return principal;
    }

    private Result<int> Reschedule(DateOnly date, decimal annualRate, int termMonths)
    {
        if (_position.IsClosedOut)
        {
            return Error.Conflict("loan", $"the loan is {_position.Status}");
        }

        if (date != BusinessDate)
        {
            return Error.Validation("effectiveDate", $"takes effect on the open business date {BusinessDate:yyyy-MM-dd}");
        }

        if ((Terms with { AnnualRate = annualRate, TermMonths = termMonths }).Validate() is { } invalid)
        {
            return invalid;
        }

        StartDay(date);
        var lastPaidOrDue = _installments.Where(i => i.DueDate <= date || !i.IsUntouched).Select(i => i.Period).DefaultIfEmpty(0).Max();
        var remainingPeriods = PeriodsOf(termMonths) - lastPaidOrDue;
        if (remainingPeriods < 1)
        {
            return Error.Validation("termMonths", "leaves no installment after the effective date");
        }

        var balance = _installments.Where(i => i.Period > lastPaidOrDue).Sum(i => i.UnpaidPrincipal);
        Terms = Terms with { AnnualRate = annualRate, TermMonths = termMonths };
        _position.AnnualRate = annualRate;
        ReplaceTail(lastPaidOrDue, Rebuild(balance, lastPaidOrDue, remainingPeriods, null));
        RefreshAggregates(date);
        return remainingPeriods;
    }

    private int PeriodsOf(int termMonths) => Terms.Method switch
    {
        RepaymentMethod.Bullet => 1,
        RepaymentMethod.InterestOnly => termMonths / (int)Terms.InterestFrequency,
        _ => termMonths,
    };

    private Result<decimal> PrepayPrincipal(DateOnly date, decimal cash, Reamortisation mode)
    {
        var tail = _installments.Where(i => i.DueDate > date && i.IsUntouched).ToList();
        if (tail.Count == 0)
        {
            return Error.Validation("amount", "no future installment is left to prepay; post a payoff instead");
        }

        // Broken-period interest on the prepaid principal (balance · annual/360 · days since the last due date); a
        // revolving line has accrued its interest day by day already.
        var days = date.DayNumber - _position.LastDueDate.DayNumber;
        var prepaid = _position.Revolving ? cash : Money.RoundCents(cash / (1m + Terms.AnnualRate * days / 360m));
        var balance = tail.Sum(i => i.UnpaidPrincipal) - prepaid;
        if (balance <= 0m)
        {
            return Error.Validation("amount", "prepays all principal; post a payoff instead");
        }

        var afterPeriod = tail[0].Period - 1;
        var keepInstallment = mode == Reamortisation.ReduceTerm ? tail[0].Principal + (Terms.Method == RepaymentMethod.EqualInstallment ? tail[0].Interest : 0m) : (decimal?)null;
        ReplaceTail(afterPeriod, Rebuild(balance, afterPeriod, tail.Count, keepInstallment));
        if (keepInstallment is not null && Terms.Method is RepaymentMethod.EqualInstallment or RepaymentMethod.EqualPrincipal)
        {
            // 缩期不减额 shortens the contract: its term (and so its maturity date) ends with the new last monthly period.
            Terms = Terms with { TermMonths = _installments[^1].Period };
        }

        return prepaid;
    }

    /// <summary>New installments after <paramref name="afterPeriod"/> for <paramref name="balance"/>, keeping the original due dates.</summary>
    private List<ScheduledInstallment> Rebuild(decimal balance, int afterPeriod, int periods, decimal? keepInstallment)
    {
        var r = Terms.AnnualRate / 12m;
        var anchor = Terms.DisbursementDate;
        switch (Terms.Method)
        {
            case RepaymentMethod.EqualInstallment:
                var payment = keepInstallment ?? ScheduleGenerator.AnnuityPayment(balance, r, periods);
                if (keepInstallment is not null)
                {
                    periods = CountPeriods(balance, r, payment);
                }

                return ScheduleGenerator.Amortise(balance, r, periods, afterPeriod + 1, anchor, afterPeriod, (_, interest, _) => payment - interest);
            case RepaymentMethod.EqualPrincipal:
                var share = keepInstallment ?? Money.RoundCents(balance / periods);
                if (keepInstallment is not null)
                {
                    periods = (int)Math.Ceiling(balance / share);
                }

                return ScheduleGenerator.Amortise(balance, r, periods, afterPeriod + 1, anchor, afterPeriod, (_, _, _) => share);
            case RepaymentMethod.InterestOnly:
                var step = (int)Terms.InterestFrequency;
                var rate = Terms.InterestFrequency == InterestFrequency.Quarterly ? Terms.AnnualRate / 4m : r;
                return Enumerable.Range(1, periods).Select(k => new ScheduledInstallment(afterPeriod + k,
                    DueDates.After(anchor, (afterPeriod + k) * step), k == periods ? balance : 0m, Money.RoundCents(balance * rate), k == periods ? 0m : balance)).ToList();
            case RepaymentMethod.Bullet:
                var maturity = Terms.MaturityDate;
                return [new ScheduledInstallment(1, maturity, balance, Money.RoundCents(balance * Terms.AnnualRate * (maturity.DayNumber - anchor.DayNumber) / 360m), 0m)];
            case RepaymentMethod.Revolving:
                return Enumerable.Range(1, periods).Select(k => new ScheduledInstallment(afterPeriod + k,
                    DueDates.After(anchor, afterPeriod + k), k == periods ? balance : 0m, 0m, k == periods ? 0m : balance)).ToList();
            default:
                throw new InvalidOperationException(Terms.Method.ToString());
        }
    }

    private static int CountPeriods(decimal balance, decimal r, decimal payment)
    {
        var periods = 0;
        while (balance > 0m && periods < 1200)
        {
            balance -= Math.Min(balance, payment - Money.RoundCents(balance * r));
            periods++;
        }

        return periods;
    }

    private void ReplaceTail(int afterPeriod, List<ScheduledInstallment> rows)
    {
        _installments.RemoveAll(i => i.Period > afterPeriod);
        _installments.AddRange(rows.Select(s => new InstallmentState { Period = s.Period, DueDate = s.DueDate, Principal = s.Principal, Interest = s.Interest }));
    }

    private void StartDay(DateOnly date)
    {
        if (_position.StartedThrough < date)
        {
            DailyCloseKernel.StartDay(ref _position, date, Following());
            if (_position.Revolving && _position.LastDueDate == date)
            {
                SyncRevolvingInstallment(date);
            }
        }
    }

    /// <summary>Revolving lines: the installment falling due takes the interest and principal the kernel fixed for it.</summary>
    private void SyncRevolvingInstallment(DateOnly date)
    {
        var installment = _installments.FirstOrDefault(i => i.DueDate == date);
        if (installment is not null && installment.IsUntouched)
        {
            installment.Interest = _position.DueTodayInterest;
            installment.Principal = _position.DueTodayPrincipal;
        }
    }

    /// <summary>Recomputes the position's amounts from the installments after a payment or a schedule change.</summary>
    private void RefreshAggregates(DateOnly date)
    {
        decimal outstanding = 0m, notDue = 0m, duePrincipal = 0m, dueInterest = 0m, todayPrincipal = 0m, todayInterest = 0m;
        var oldest = DateOnly.MinValue;
        foreach (var i in _installments)
        {
            outstanding += i.UnpaidPrincipal;
            if (i.DueDate > date)
            {
                notDue += i.UnpaidPrincipal;
                continue;
            }

            duePrincipal += i.UnpaidPrincipal;
            dueInterest += i.UnpaidInterest;
            if (i.DueDate == date)
            {
                todayPrincipal += i.UnpaidPrincipal;
                todayInterest += i.UnpaidInterest;
            }

            if (!i.IsPaid && oldest == DateOnly.MinValue)
            {
                oldest = i.DueDate;
            }
        }

        _position.PrincipalOutstanding = outstanding;
        _position.PrincipalNotDue = notDue;
        _position.DuePrincipal = duePrincipal;
        _position.DueInterest = dueInterest;
        _position.DueTodayPrincipal = todayPrincipal;
        _position.DueTodayInterest = todayInterest;
        _position.OldestUnpaidDue = oldest;
        RefreshNext(date);
    }

    private void RefreshNext(DateOnly date)
    {
        var next = _installments.FirstOrDefault(i => i.DueDate > date);
        _position.NextPeriod = next?.Period ?? 0;
        _position.NextDueDate = next?.DueDate ?? DateOnly.MaxValue;
        _position.NextPrincipal = next?.UnpaidPrincipal ?? 0m;
        _position.NextInterest = next?.UnpaidInterest ?? 0m;
    }

    private void Book(DateOnly date, string kind, string debit, string credit, decimal amount)
    {
        if (amount > 0m)
        {
            _journal.Add(new JournalPosting(date, kind, debit, credit, amount));
        }
        else if (amount < 0m)
        {
            _journal.Add(new JournalPosting(date, kind + " reversal", credit, debit, -amount));
        }
    }

    private static decimal Take(ref decimal remaining, decimal owed)
    {
        var paid = Math.Max(0m, Math.Min(remaining, owed));
        remaining -= paid;
        return paid;
    }

    private static decimal PayInterest(InstallmentState installment, ref decimal remaining)
    {
        var paid = Take(ref remaining, installment.UnpaidInterest);
        installment.InterestPaid += paid;
        return paid;
    }

    private static decimal PayPrincipal(InstallmentState installment, ref decimal remaining)
    {
        var paid = Take(ref remaining, installment.UnpaidPrincipal);
        installment.PrincipalPaid += paid;
        return paid;
    }
}
