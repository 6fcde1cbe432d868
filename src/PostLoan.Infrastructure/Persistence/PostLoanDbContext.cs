using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Calendar;
using PostLoan.Domain.Ledger.CreditSupport;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Identity;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// The one EF Core model of PostLoan. Provider-specific subclasses (<see cref="SqlitePostLoanDbContext"/>,
/// <see cref="PostgresPostLoanDbContext"/>) carry their own migrations.
/// <para>Two cross-cutting concerns live here so no page or endpoint can forget them: the data scope of the
/// current user is a global query filter on every scoped entity, and every saved change is written to the
/// audit log with its values before and after.</para>
/// <para>Each later module configures its entities in its own partial file (<c>PostLoanDbContext.Warning.cs</c>,
/// <c>PostLoanDbContext.Monitoring.cs</c>, …).</para>
/// </summary>
public abstract partial class PostLoanDbContext : IdentityDbContext<ApplicationUser>
{
    private static readonly HashSet<string> SecretProperties =
        new(StringComparer.Ordinal) { "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "SecretHash", "Secret", "Recipient", "Payload" };

    /// <summary>Audit values keep Chinese text readable rather than \u-escaped.</summary>
    private static readonly JsonSerializerOptions AuditJson = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    private readonly ICurrentUser _currentUser;
    private readonly TimeProvider _clock;

    protected PostLoanDbContext(DbContextOptions options, ICurrentUser currentUser, TimeProvider? clock = null)
        : base(options)
    {
        _currentUser = currentUser;
        _clock = clock ?? TimeProvider.System;
    }

    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<SystemParameter> SystemParameters => Set<SystemParameter>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<CalendarDay> CalendarDays => Set<CalendarDay>();

    public DbSet<LoanProduct> LoanProducts => Set<LoanProduct>();

    public DbSet<Loan> Loans => Set<Loan>();

    public DbSet<InstallmentRecord> Installments => Set<InstallmentRecord>();

    public DbSet<LoanPositionRecord> LoanPositions => Set<LoanPositionRecord>();

    public DbSet<LoanSnapshot> LoanSnapshots => Set<LoanSnapshot>();

    public DbSet<LoanTransaction> LoanTransactions => Set<LoanTransaction>();

    public DbSet<LedgerEvent> LedgerEvents => Set<LedgerEvent>();

    public DbSet<JournalEntry> JournalEntries => Set<JournalEntry>();

    public DbSet<CloseRun> CloseRuns => Set<CloseRun>();

    public DbSet<CloseChunk> CloseChunks => Set<CloseChunk>();

    public DbSet<CustomerGroup> CustomerGroups => Set<CustomerGroup>();

    public DbSet<GroupMembership> GroupMemberships => Set<GroupMembership>();

    public DbSet<Guarantee> Guarantees => Set<Guarantee>();

    public DbSet<Collateral> Collaterals => Set<Collateral>();

    public DbSet<CollateralValuation> CollateralValuations => Set<CollateralValuation>();

    public DbSet<CollateralAssignment> CollateralAssignments => Set<CollateralAssignment>();

    public DbSet<LoanClassification> LoanClassifications => Set<LoanClassification>();

    public DbSet<ClassificationChange> ClassificationChanges => Set<ClassificationChange>();

    public DbSet<RiskFlag> RiskFlags => Set<RiskFlag>();

    public DbSet<EclScenario> EclScenarios => Set<EclScenario>();

    public DbSet<LgdRule> LgdRules => Set<LgdRule>();

    public DbSet<PdOverride> PdOverrides => Set<PdOverride>();

    public DbSet<EclRun> EclRuns => Set<EclRun>();

    public DbSet<EclResult> EclResults => Set<EclResult>();

    /// <summary>The user whose scope filters this context's queries.</summary>
    public ICurrentUser CurrentUser => _currentUser;

    // Flat members read by the query filters: EF evaluates them per query, so one model serves every user.
    private bool ScopeIsSystem => _currentUser.Scope.IsSystem;

    private string ScopePath => _currentUser.Scope.OrganisationPath;

    private string? ScopeAccountManagerId => _currentUser.Scope.AccountManagerId;

    private int? ScopeCustomerId => _currentUser.Scope.CustomerId;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<ApplicationUser>(b =>
        {
            b.Property(u => u.DisplayName).HasMaxLength(100);
            b.HasIndex(u => u.OrganisationId);
        });

        builder.Entity<Organisation>(b =>
        {
            b.ToTable("organisations");
            b.Property(o => o.Code).HasMaxLength(32);
            b.Property(o => o.Name).HasMaxLength(100);
            b.Property(o => o.Path).HasMaxLength(200);
            b.HasIndex(o => o.Code).IsUnique();
            b.HasIndex(o => o.Path);
            b.HasQueryFilter(o => ScopeIsSystem || o.Path.StartsWith(ScopePath));
        });

        builder.Entity<Customer>(b =>
        {
            b.ToTable("customers");
            b.Property(c => c.Code).HasMaxLength(40);
            b.Property(c => c.Name).HasMaxLength(200);
            b.Property(c => c.IdNumber).HasMaxLength(40);
            b.Property(c => c.OrganisationPath).HasMaxLength(200);
            b.HasIndex(c => c.Code).IsUnique();
            b.HasIndex(c => c.OrganisationPath);
            b.HasIndex(c => c.AccountManagerId);
            b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(c => ScopeIsSystem
                || (c.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || c.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || c.Id == ScopeCustomerId)));
        });

        builder.Entity<AuditEntry>(b =>
        {
            b.ToTable("audit_log");
            b.Property(a => a.UserId).HasMaxLength(64);
            b.Property(a => a.Entity).HasMaxLength(100);
            b.Property(a => a.EntityId).HasMaxLength(100);
            b.Property(a => a.Action).HasConversion<string>().HasMaxLength(20);
            b.HasIndex(a => a.At);
            b.HasIndex(a => new { a.Entity, a.EntityId });
        });

        builder.Entity<SystemParameter>(b =>
        {
            b.ToTable("system_parameters");
            b.HasKey(p => p.Key);
            b.Property(p => p.Key).HasMaxLength(100);
            b.Property(p => p.Type).HasConversion<string>().HasMaxLength(20);
        });

        builder.Entity<CalendarDay>(b =>
        {
            b.ToTable("calendar_days");
            b.HasKey(d => d.Date);
            b.Property(d => d.Name).HasMaxLength(50);
        });

        ConfigureLedger(builder);
        ConfigureCreditSupport(builder);
        ConfigureRisk(builder);
        ConfigureWarning(builder);
        ConfigureIndicatorInputs(builder);
        ConfigureWarningRules(builder);
        ConfigureSignalWorkflow(builder);
        ConfigureRelations(builder);
        ConfigureMonitoring(builder);
        ConfigureCameras(builder);
        ConfigureCreditLines(builder);
        ConfigureReminders(builder);

        builder.Entity<ApiToken>(b =>
        {
            b.ToTable("api_tokens");
            b.Property(t => t.SecretHash).HasMaxLength(64);
            b.Property(t => t.Prefix).HasMaxLength(16);
            b.HasIndex(t => t.SecretHash).IsUnique();
            b.HasIndex(t => t.UserId);
        });
    }

    private void ConfigureLedger(ModelBuilder builder)
    {
        builder.Entity<LoanProduct>(b =>
        {
            b.ToTable("loan_products");
            b.Property(p => p.Code).HasMaxLength(32);
            b.Property(p => p.Name).HasMaxLength(100);
            b.HasIndex(p => p.Code).IsUnique();
        });

        builder.Entity<Loan>(b =>
        {
            b.ToTable("loans");
            b.Property(l => l.Code).HasMaxLength(40);
            b.Property(l => l.ContractNumber).HasMaxLength(40);
            b.Property(l => l.Currency).HasMaxLength(3);
            b.Property(l => l.Purpose).HasMaxLength(200);
            b.Property(l => l.OrganisationPath).HasMaxLength(200);
            b.Ignore(l => l.Terms);
            b.Ignore(l => l.Rules);
            b.HasIndex(l => l.Code).IsUnique();
            // With the product: the warning rules read every customer's products from this index alone.
            b.HasIndex(l => new { l.CustomerId, l.ProductId });
            b.HasIndex(l => l.OrganisationPath);
            b.HasIndex(l => l.AccountManagerId);
            b.HasOne<Customer>().WithMany().HasForeignKey(l => l.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<LoanProduct>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Organisation>().WithMany().HasForeignKey(l => l.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            // Same scope as the customer: organisation subtree, own customers for account managers, own company for enterprise users.
            b.HasQueryFilter(l => ScopeIsSystem
                || (l.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || l.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || l.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<InstallmentRecord>(b =>
        {
            b.ToTable("installments");
            b.HasKey(i => new { i.LoanId, i.Period });
            b.HasIndex(i => i.DueDate);
            b.HasOne<Loan>().WithMany().HasForeignKey(i => i.LoanId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<LoanPositionRecord>(b =>
        {
            b.ToTable("loan_positions");
            b.HasKey(p => p.LoanId);
            b.Property(p => p.LoanId).ValueGeneratedNever();
            b.HasIndex(p => new { p.Status, p.DaysPastDue });
            b.HasOne<Loan>().WithOne().HasForeignKey<LoanPositionRecord>(p => p.LoanId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<LoanSnapshot>(b =>
        {
            b.ToTable("loan_snapshots");
            b.HasKey(p => new { p.Date, p.LoanId });
            b.HasIndex(p => new { p.LoanId, p.Date });
        });

        builder.Entity<LoanTransaction>(b =>
        {
            b.ToTable("loan_transactions");
            b.Property(t => t.Channel).HasMaxLength(20);
            b.Property(t => t.Reference).HasMaxLength(64);
            b.Property(t => t.PostedBy).HasMaxLength(64);
            b.HasIndex(t => new { t.LoanId, t.ValueDate });
            b.HasIndex(t => new { t.LoanId, t.Reference }).IsUnique();
            b.HasOne<Loan>().WithMany().HasForeignKey(t => t.LoanId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<LedgerEvent>(b =>
        {
            b.ToTable("ledger_events");
            b.Property(e => e.Reason).HasMaxLength(500);
            b.Property(e => e.Approver).HasMaxLength(64);
            b.Property(e => e.RecordedBy).HasMaxLength(64);
            b.HasIndex(e => new { e.LoanId, e.EffectiveDate });
            b.HasOne<Loan>().WithMany().HasForeignKey(e => e.LoanId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<JournalEntry>(b =>
        {
            b.ToTable("journal_entries");
            b.Property(j => j.Kind).HasMaxLength(40);
            b.Property(j => j.DebitAccount).HasMaxLength(40);
            b.Property(j => j.CreditAccount).HasMaxLength(40);
            b.HasIndex(j => new { j.LoanId, j.Date });
            b.HasIndex(j => j.Date);
        });

        builder.Entity<CloseRun>(b =>
        {
            b.ToTable("close_runs");
            b.HasKey(r => r.Date);
            b.Property(r => r.StartedBy).HasMaxLength(64);
        });

        builder.Entity<CloseChunk>(b =>
        {
            b.ToTable("close_chunks");
            b.HasKey(c => new { c.Date, c.Number });
        });
    }

    /// <summary>
    /// Groups, guarantees and collateral (集团客户, 担保, 抵质押物). Rows that belong to a customer or a loan carry its
    /// organisation path, account manager and customer, and are filtered like it; valuations are read through their
    /// collateral, checked first.
    /// </summary>
    private void ConfigureCreditSupport(ModelBuilder builder)
    {
        builder.Entity<CustomerGroup>(b =>
        {
            b.ToTable("customer_groups");
            b.Property(g => g.Code).HasMaxLength(40);
            b.Property(g => g.Name).HasMaxLength(200);
            b.Property(g => g.Note).HasMaxLength(500);
            b.Property(g => g.OrganisationPath).HasMaxLength(200);
            b.HasIndex(g => g.Code).IsUnique();
            b.HasIndex(g => g.OrganisationPath);
            b.HasOne<Organisation>().WithMany().HasForeignKey(g => g.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            // The owning organisation's subtree; an enterprise user sees no group list.
            b.HasQueryFilter(g => ScopeIsSystem || (g.OrganisationPath.StartsWith(ScopePath) && ScopeCustomerId == null));
        });

        builder.Entity<GroupMembership>(b =>
        {
            b.ToTable("group_members");
            b.Property(m => m.OrganisationPath).HasMaxLength(200);
            b.HasIndex(m => m.CustomerId).IsUnique();
            b.HasIndex(m => m.GroupId);
            b.HasIndex(m => m.OrganisationPath);
            b.HasOne<CustomerGroup>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Customer>().WithMany().HasForeignKey(m => m.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(m => ScopeIsSystem
                || (m.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || m.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || m.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<Guarantee>(b =>
        {
            b.ToTable("guarantees");
            b.Property(g => g.OrganisationPath).HasMaxLength(200);
            b.Property(g => g.GuarantorName).HasMaxLength(200);
            b.Property(g => g.GuarantorIdNumber).HasMaxLength(40);
            b.Property(g => g.ContractNumber).HasMaxLength(40);
            b.HasIndex(g => g.LoanId);
            b.HasIndex(g => g.CustomerId);
            b.HasIndex(g => g.GuarantorCustomerId);
            b.HasIndex(g => g.OrganisationPath);
            b.HasOne<Loan>().WithMany().HasForeignKey(g => g.LoanId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Customer>().WithMany().HasForeignKey(g => g.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Customer>().WithMany().HasForeignKey(g => g.GuarantorCustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(g => ScopeIsSystem
                || (g.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || g.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || g.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<Collateral>(b =>
        {
            b.ToTable("collateral");
            b.Property(c => c.Code).HasMaxLength(40);
            b.Property(c => c.Description).HasMaxLength(500);
            b.Property(c => c.OrganisationPath).HasMaxLength(200);
            b.Property(c => c.OwnerName).HasMaxLength(200);
            b.Property(c => c.OwnerIdNumber).HasMaxLength(40);
            b.Property(c => c.CertificateNumber).HasMaxLength(64);
            b.HasIndex(c => c.Code).IsUnique();
            b.HasIndex(c => c.CustomerId);
            b.HasIndex(c => c.OrganisationPath);
            b.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Customer>().WithMany().HasForeignKey(c => c.OwnerCustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(c => ScopeIsSystem
                || (c.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || c.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || c.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<CollateralValuation>(b =>
        {
            b.ToTable("collateral_valuations");
            b.Property(v => v.Valuer).HasMaxLength(100);
            b.Property(v => v.Method).HasMaxLength(40);
            b.Property(v => v.RecordedBy).HasMaxLength(64);
            b.HasIndex(v => new { v.CollateralId, v.ValuationDate });
            b.HasOne<Collateral>().WithMany().HasForeignKey(v => v.CollateralId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CollateralAssignment>(b =>
        {
            b.ToTable("collateral_assignments");
            b.Property(a => a.OrganisationPath).HasMaxLength(200);
            b.HasIndex(a => new { a.CollateralId, a.LoanId }).IsUnique();
            b.HasIndex(a => a.LoanId);
            b.HasIndex(a => a.OrganisationPath);
            b.HasOne<Collateral>().WithMany().HasForeignKey(a => a.CollateralId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Loan>().WithMany().HasForeignKey(a => a.LoanId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(a => ScopeIsSystem
                || (a.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || a.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || a.CustomerId == ScopeCustomerId)));
        });
    }

    /// <summary>
    /// Classification, risk flags and IFRS 9 (五级分类, 风险标记, 减值): loan-level rows carry the loan's scope columns and
    /// are filtered like it; parameters (scenarios, LGD table, PD overrides) and runs are institution-wide.
    /// </summary>
    private void ConfigureRisk(ModelBuilder builder)
    {
        builder.Entity<LoanClassification>(b =>
        {
            b.ToTable("loan_classifications");
            b.HasKey(c => c.LoanId);
            b.Property(c => c.LoanId).ValueGeneratedNever();
            b.Property(c => c.OrganisationPath).HasMaxLength(200);
            b.HasIndex(c => c.OrganisationPath);
            b.HasIndex(c => c.CustomerId);
            b.HasOne<Loan>().WithOne().HasForeignKey<LoanClassification>(c => c.LoanId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(c => ScopeIsSystem
                || (c.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || c.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || c.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<ClassificationChange>(b =>
        {
            b.ToTable("classification_changes");
            b.Property(c => c.OrganisationPath).HasMaxLength(200);
            b.Property(c => c.Reason).HasMaxLength(1000);
            b.Property(c => c.Evidence).HasMaxLength(2000);
            b.Property(c => c.ProposedBy).HasMaxLength(64);
            b.Property(c => c.ProposedByName).HasMaxLength(100);
            b.Property(c => c.DecidedBy).HasMaxLength(64);
            b.Property(c => c.DecidedByName).HasMaxLength(100);
            b.Property(c => c.DecisionNote).HasMaxLength(1000);
            b.HasIndex(c => new { c.LoanId, c.Date });
            b.HasIndex(c => new { c.State, c.OrganisationPath });
            b.HasOne<Loan>().WithMany().HasForeignKey(c => c.LoanId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(c => ScopeIsSystem
                || (c.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || c.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || c.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<RiskFlag>(b =>
        {
            b.ToTable("risk_flags");
            b.Property(f => f.OrganisationPath).HasMaxLength(200);
            b.Property(f => f.Source).HasMaxLength(40);
            b.Property(f => f.Reference).HasMaxLength(100);
            b.Property(f => f.Note).HasMaxLength(1000);
            b.Property(f => f.RecordedBy).HasMaxLength(64);
            b.HasIndex(f => new { f.CustomerId, f.Kind });
            b.HasIndex(f => f.LoanId);
            b.HasOne<Customer>().WithMany().HasForeignKey(f => f.CustomerId).OnDelete(DeleteBehavior.Restrict);
            b.HasQueryFilter(f => ScopeIsSystem
                || (f.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || f.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || f.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<EclScenario>(b =>
        {
            b.ToTable("ecl_scenarios");
            b.HasKey(s => s.Code);
            b.Property(s => s.Code).HasMaxLength(20);
            b.Property(s => s.Name).HasMaxLength(100);
        });

        builder.Entity<LgdRule>(b =>
        {
            b.ToTable("lgd_rules");
            b.Property(r => r.Security).HasMaxLength(20);
            b.HasIndex(r => new { r.Security, r.MinCoverage }).IsUnique();
        });

        builder.Entity<PdOverride>(b =>
        {
            b.ToTable("pd_overrides");
            b.Property(o => o.Note).HasMaxLength(500);
            b.HasIndex(o => new { o.ProductId, o.Bucket }).IsUnique();
            b.HasOne<LoanProduct>().WithMany().HasForeignKey(o => o.ProductId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<EclRun>(b =>
        {
            b.ToTable("ecl_runs");
            b.HasKey(r => r.Month);
            b.Property(r => r.Month).HasMaxLength(7);
            b.Property(r => r.StartedBy).HasMaxLength(64);
        });

        builder.Entity<EclResult>(b =>
        {
            b.ToTable("ecl_results");
            b.HasKey(r => new { r.Month, r.LoanId });
            b.Property(r => r.Month).HasMaxLength(7);
            b.Property(r => r.OrganisationPath).HasMaxLength(200);
            b.Property(r => r.Security).HasMaxLength(20);
            b.HasIndex(r => new { r.LoanId, r.Month });
            b.HasQueryFilter(r => ScopeIsSystem
                || (r.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || r.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || r.CustomerId == ScopeCustomerId)));
        });
    }

    /// <summary>Records an event that is not a row change (a refused access, a sign-in) in the audit log.</summary>
    public void Audit(AuditAction action, string entity, string? entityId, string? detail)
    {
        AuditEntries.Add(new AuditEntry
        {
            At = _clock.GetUtcNow(),
            UserId = _currentUser.UserId,
            UserName = _currentUser.UserName,
            Action = action,
            Entity = entity,
            EntityId = entityId,
            Detail = detail,
        });
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var changes = ChangeTracker.Entries()
            .Where(e => e.Entity is not AuditEntry && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => new PendingAudit(e, e.State, e.State == EntityState.Added ? null : Values(e, original: true)))
            .ToList();
        if (changes.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // The change and its audit lines commit together; generated keys are known only after the first save.
        var ownTransaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var afterValues = changes.Select(c => c.State == EntityState.Deleted ? null : Values(c.Entry, original: false)).ToList();
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            var now = _clock.GetUtcNow();
            for (var i = 0; i < changes.Count; i++)
            {
                var change = changes[i];
                var after = change.State == EntityState.Added ? Values(change.Entry, original: false) : afterValues[i];
                AuditEntries.Add(new AuditEntry
                {
                    At = now,
                    UserId = _currentUser.UserId,
                    UserName = _currentUser.UserName,
                    Action = change.State switch
                    {
                        EntityState.Added => AuditAction.Created,
                        EntityState.Deleted => AuditAction.Deleted,
                        _ => AuditAction.Updated,
                    },
                    Entity = change.Entry.Metadata.ClrType.Name,
                    EntityId = KeyOf(change.Entry),
                    Before = change.Before,
                    After = after,
                });
            }

            await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            return written;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    private static string? KeyOf(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey();
        if (key is null)
        {
            return null;
        }

        return string.Join(",", key.Properties.Select(p => Convert.ToString(entry.Property(p.Name).CurrentValue, System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Values of the entity as JSON: for an update only the changed properties; secrets are never written.</summary>
    private static string Values(EntityEntry entry, bool original)
    {
        var values = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in entry.Properties)
        {
            if (entry.State == EntityState.Modified && !property.IsModified)
            {
                continue;
            }

            var name = property.Metadata.Name;
            values[name] = SecretProperties.Contains(name)
                ? "***"
                : original ? property.OriginalValue : property.CurrentValue;
        }

        return JsonSerializer.Serialize(values, AuditJson);
    }

    private sealed record PendingAudit(EntityEntry Entry, EntityState State, string? Before);
}
