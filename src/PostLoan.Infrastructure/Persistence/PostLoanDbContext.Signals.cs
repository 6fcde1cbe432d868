using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// The signal workflow (steps, disposal actions) and push (notifications, subscriptions, the outbox, webhook endpoints).
/// Steps and actions carry the signal's scope columns and are filtered like it; notifications and subscriptions belong
/// to one user and only that user sees them; the outbox and webhook endpoints are institution-wide (administrators).
/// </summary>
public abstract partial class PostLoanDbContext
{
    public DbSet<SignalStep> SignalSteps => Set<SignalStep>();

    public DbSet<DisposalAction> DisposalActions => Set<DisposalAction>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<NotificationSubscription> NotificationSubscriptions => Set<NotificationSubscription>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();

    /// <summary>The signed-in user, whose own notifications the filters show.</summary>
    private string ScopeUserId => _currentUser.UserId;

    partial void ConfigureSignalWorkflow(ModelBuilder builder)
    {
        builder.Entity<SignalStep>(b =>
        {
            b.ToTable("signal_steps");
            b.Property(s => s.ActorId).HasMaxLength(64);
            b.Property(s => s.ActorName).HasMaxLength(100);
            b.Property(s => s.Note).HasMaxLength(2000);
            b.Property(s => s.Evidence).HasMaxLength(2000);
            b.Property(s => s.AssigneeId).HasMaxLength(1000);
            b.Property(s => s.OrganisationPath).HasMaxLength(200);
            b.Property(s => s.AccountManagerId).HasMaxLength(64);
            b.HasIndex(s => new { s.SignalId, s.Id });
            b.HasOne<WarningSignal>().WithMany().HasForeignKey(s => s.SignalId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(s => ScopeIsSystem
                || (s.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || s.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || s.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<DisposalAction>(b =>
        {
            b.ToTable("signal_actions");
            b.Property(a => a.OwnerId).HasMaxLength(64);
            b.Property(a => a.OwnerName).HasMaxLength(100);
            b.Property(a => a.Note).HasMaxLength(2000);
            b.Property(a => a.Outcome).HasMaxLength(2000);
            b.Property(a => a.CreatedById).HasMaxLength(64);
            b.Property(a => a.ClosedById).HasMaxLength(64);
            b.Property(a => a.OrganisationPath).HasMaxLength(200);
            b.Property(a => a.AccountManagerId).HasMaxLength(64);
            b.HasIndex(a => a.SignalId);
            b.HasIndex(a => new { a.State, a.DueAt });
            b.HasIndex(a => a.OwnerId);
            b.HasOne<WarningSignal>().WithMany().HasForeignKey(a => a.SignalId).OnDelete(DeleteBehavior.Cascade);
            b.HasQueryFilter(a => ScopeIsSystem
                || (a.OrganisationPath.StartsWith(ScopePath)
                    && (ScopeAccountManagerId == null || a.AccountManagerId == ScopeAccountManagerId)
                    && (ScopeCustomerId == null || a.CustomerId == ScopeCustomerId)));
        });

        builder.Entity<Notification>(b =>
        {
            b.ToTable("notifications");
            b.Property(n => n.UserId).HasMaxLength(64);
            b.Property(n => n.Title).HasMaxLength(200);
            b.Property(n => n.Body).HasMaxLength(1000);
            b.HasIndex(n => new { n.UserId, n.ReadAt, n.Id });
            b.HasQueryFilter(n => ScopeIsSystem || n.UserId == ScopeUserId);
        });

        builder.Entity<NotificationSubscription>(b =>
        {
            b.ToTable("notification_subscriptions");
            b.Property(s => s.UserId).HasMaxLength(64);
            b.HasIndex(s => new { s.UserId, s.Channel }).IsUnique();
            b.HasQueryFilter(s => ScopeIsSystem || s.UserId == ScopeUserId);
        });

        builder.Entity<OutboxMessage>(b =>
        {
            b.ToTable("notification_outbox");
            b.Property(m => m.Recipient).HasMaxLength(500);
            b.Property(m => m.UserId).HasMaxLength(64);
            b.Property(m => m.EventType).HasMaxLength(40);
            b.Property(m => m.LastError).HasMaxLength(2000);
            b.HasIndex(m => new { m.State, m.NextAttemptAt });
            b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(m => m.WebhookEndpointId).OnDelete(DeleteBehavior.SetNull);
        });

        builder.Entity<WebhookEndpoint>(b =>
        {
            b.ToTable("webhook_endpoints");
            b.Property(e => e.Name).HasMaxLength(100);
            b.Property(e => e.Url).HasMaxLength(500);
            b.Property(e => e.Secret).HasMaxLength(200);
        });
    }
}
