package dev.authpack.relay;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserListTest {
    private final UserList users = UserList.parse("alice@example.com, bob @Staff.Example.ORG.");

    @Test
    void exactUsersIgnoreCase() {
        assertThat(users.match("Alice@EXAMPLE.com")).contains("alice@example.com");
        assertThat(users.match("bob")).contains("bob");
        assertThat(users.match("BOB")).contains("bob");
        assertThat(users.match("alice")).isEmpty();
        assertThat(users.match("alice@example.com.evil")).isEmpty();
    }

    @Test
    void domainEntriesMatchEveryUserOfThatDomainOnly() {
        assertThat(users.match("carol@staff.example.org")).contains("@staff.example.org");
        assertThat(users.match("carol@sub.staff.example.org")).isEmpty();
        assertThat(users.match("carol@evilstaff.example.org")).isEmpty();
        assertThat(users.match("staff.example.org")).isEmpty();
    }

    @Test
    void blankOrOddUserNamesNeverMatch() {
        assertThat(users.match("")).isEmpty();
        assertThat(users.match(" bob")).isEmpty();
        assertThat(users.match("@staff.example.org")).isEmpty();
        assertThat(users.match(null)).isEmpty();
    }

    @Test
    void rejectsBadLists() {
        assertThatThrownBy(() -> UserList.parse("")).hasMessageContaining("empty user list");
        assertThatThrownBy(() -> UserList.parse("alice,,bob")).hasMessageContaining("empty entry");
        assertThatThrownBy(() -> UserList.parse("@")).hasMessageContaining("not a domain");
        assertThatThrownBy(() -> UserList.parse("alice@bad..domain")).hasMessageContaining("not a user name");
    }
}
