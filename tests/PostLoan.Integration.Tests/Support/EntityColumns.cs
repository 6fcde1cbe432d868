using Microsoft.EntityFrameworkCore;

namespace PostLoan.Integration.Tests.Support;

/// <summary>Compares two instances of an entity column by column, as the EF model maps it.</summary>
public static class EntityColumns
{
    /// <summary>Every mapped property of <paramref name="actual"/> equals <paramref name="expected"/>'s (the key too unless <paramref name="ignoreKey"/>).</summary>
    public static void AssertSame<T>(DbContext db, T expected, T actual, bool ignoreKey = false)
        where T : class
    {
        var properties = db.Model.FindEntityType(typeof(T))!.GetProperties().Where(p => p.PropertyInfo is not null && !(ignoreKey && p.IsPrimaryKey())).ToList();
        Assert.NotEmpty(properties);
        foreach (var property in properties)
        {
            var (wanted, found) = (property.PropertyInfo!.GetValue(expected), property.PropertyInfo.GetValue(actual));
            Assert.True(Equals(wanted, found), $"{typeof(T).Name}.{property.Name}: expected {wanted ?? "null"}, found {found ?? "null"}");
        }
    }
}
