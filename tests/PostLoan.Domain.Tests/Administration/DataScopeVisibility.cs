using PostLoan.Domain.Administration;

namespace PostLoan.Domain.Tests.Administration;

public class DataScopeVisibility
{
    [Fact]
    public void Branch_user_sees_own_subtree_but_not_sibling_branch()
    {
        var scope = DataScope.ForUser("u1", "/1/2/", [Roles.RiskManager], customerId: null);

        Assert.True(scope.CanSee("/1/2/", null, null));
        Assert.True(scope.CanSee("/1/2/5/", "am9", 7));
        Assert.False(scope.CanSee("/1/3/", null, null));
        Assert.False(scope.CanSee("/1/", null, null));
    }

    [Fact]
    public void Branch_prefix_does_not_match_a_longer_id()
    {
        var scope = DataScope.ForUser("u1", "/1/2/", [Roles.Auditor], customerId: null);
        Assert.False(scope.CanSee("/1/20/", null, null));
    }

    [Fact]
    public void Account_manager_sees_only_own_customers()
    {
        var scope = DataScope.ForUser("am1", "/1/2/5/", [Roles.AccountManager], customerId: null);

        Assert.True(scope.CanSee("/1/2/5/", "am1", 10));
        Assert.False(scope.CanSee("/1/2/5/", "am2", 11));
    }

    [Fact]
    public void Account_manager_with_a_broader_role_sees_the_subtree()
    {
        var scope = DataScope.ForUser("am1", "/1/2/", [Roles.AccountManager, Roles.RiskManager], customerId: null);
        Assert.True(scope.CanSee("/1/2/5/", "am2", 11));
    }

    [Fact]
    public void Enterprise_user_sees_only_their_company()
    {
        var scope = DataScope.ForUser("e1", "/1/2/5/", [Roles.EnterpriseUser], customerId: 42);

        Assert.True(scope.CanSee("/1/2/5/", "am1", 42));
        Assert.False(scope.CanSee("/1/2/5/", "am1", 43));
    }

    [Fact]
    public void Enterprise_user_without_company_sees_nothing()
    {
        var scope = DataScope.ForUser("e1", "/1/", [Roles.EnterpriseUser], customerId: null);
        Assert.False(scope.CanSee("/1/", null, 1));
    }

    [Fact]
    public void User_without_organisation_sees_nothing()
    {
        var scope = DataScope.ForUser("x", null, [Roles.Administrator], customerId: null);
        Assert.False(scope.CanSee("/1/", null, null));
    }
}
