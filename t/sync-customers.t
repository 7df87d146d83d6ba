# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# End to end: Admin::SalesForce::SyncCustomers -> Kernel::System::SalesForce::Sync
# -> Kernel::System::SalesForce -> SalesForce::XS -> Rust (login, fetch, plan)
# -> HTTPS -> fake Salesforce org, applied to the OTRS stand-ins (t/lib).

use strict;
use warnings;
no warnings 'once';    ## no critic
use utf8;

use JSON::PP();
use Test::More;

use SalesForceTest::Sync;

SalesForceTest::Sync->SkipUnlessBuilt();

my $Fake = SalesForceTest::Sync->StartFake( Generate => 'accounts=40,owners=5,contacts=50' );
my $Home = SalesForceTest::Sync->Configure(
    Fake     => $Fake,
    Settings => {
        'SalesForceModule::Customers::Mode'              => 'AccountOwner',
        'SalesForceModule::Customers::DefaultCustomerID' => 'sf-default',

        # a site policy: the fake's addresses are @example.*, which OTRS rejects by default
        'CheckEmailInvalidAddress' => '@blocked\\.test$',
    },
);

use Kernel::System::ObjectManager;

my $Run = sub {
    my ( $Exit, $Report, $Out, $Err ) = SalesForceTest::Sync->RunCommand(
        Command   => 'SyncCustomers',
        Arguments => [ '--json', @_ ],
    );
    return ( $Exit, $Report || {}, $Out, $Err );
};
my $Writes = sub {
    my $Calls = $Kernel::OM->Get('Kernel::System::CustomerUser')->{StandInCalls};
    return join ',', ( $Kernel::OM->Get('Kernel::System::DB')->{StandInWrites} // 0 ),
        map { "$_=" . ( $Calls->{$_} // 0 ) }
        qw(CustomerUserAdd CustomerUserUpdate CustomerUserCustomerMemberAdd SetPreferences);
};
my $Members = sub {
    my ($Login) = @_;
    return [
        $Kernel::OM->Get('Kernel::System::CustomerUser')->CustomerUserCustomerMemberList( CustomerUserID => $Login )
    ];
};

# A save call of Kernel::System::SalesForce succeeded.
my $Saved = sub { return SalesForceTest::Sync->Saved(@_) };

# ===================================================== Account owners (the original's semantics)
{
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $UserObject       = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');

    my $Accounts = $SalesForceObject->DoQuery( Query => 'SELECT Id, Name, OwnerId FROM Account' );
    my %Owned;
    for my $Account ( grep { $_->{Name} !~ m{\A\*}smx } @{$Accounts} ) {
        push @{ $Owned{ $Account->{OwnerId} } }, $Account->{Id};
    }
    my @Owners = sort keys %Owned;
    ok( @Owners >= 2, 'the fake org has Account owners' );

    my ( $Exit, $Report, $Out, $Err ) = $Run->();
    is( $Exit,                        0,              'owners: first run exit 0' ) or diag $Err;
    is( $Report->{counts}->{created}, scalar @Owners, 'owners: one customer user per owner of a valid Account' );
    for my $Owner (@Owners) {
        my %User = $UserObject->CustomerUserDataGet( User => $Owner );
        ok( %User, "owner $Owner exists" );
        is( $User{UserCustomerID}, 'sf-default', "owner $Owner: UserCustomerID = DefaultCustomerID" );
        is_deeply( $Members->($Owner), [ sort @{ $Owned{$Owner} } ], "owner $Owner: member of the Accounts owned" );
    }

    my $Before = $Writes->();
    ( $Exit, $Report ) = $Run->();
    is( $Exit,       0,       'owners: second run exit 0' );
    is( $Writes->(), $Before, 'owners: second run writes nothing' );

    # An Account changes hands.
    my ( $From, $To ) = @Owners[ 0, 1 ];
    my $Moved = $Owned{$From}->[0];
    ok(
        $Saved->(
            scalar $SalesForceObject->Update(
                Type => 'Account',
                Data => {
                    id      => $Moved,
                    OwnerId => $To
                }
            )
        ),
        'Account changes owner'
    );
    ( $Exit, $Report ) = $Run->();
    is( $Exit, 0, 'owner change: exit 0' );
    ok( scalar( grep { $_ eq $Moved } @{ $Members->($To) } ), 'owner change: the new owner is a member' );
    ok( !( grep { $_ eq $Moved } @{ $Members->($From) } ), 'owner change: the old owner is not (no Active => removed)' )

        if @{ $Owned{$From} } > 1;
}

# ===================================================== Contacts
{
    local $Kernel::Config::TestSettings{'SalesForceModule::Customers::Mode'}                              = 'Contact';
    local $Kernel::Config::TestSettings{'SalesForceModule::Customers::AddAttributesToParams###UserTitle'} = 'Title';
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $UserObject       = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
    unlink "$Home/var/salesforce-sync/customers.json";

    my %Starred = map { $_->{Id} => 1 }
        grep { $_->{Name} =~ m{\A\*}smx } @{ $SalesForceObject->DoQuery( Query => 'SELECT Id, Name FROM Account' ) };
    my $Contacts = $SalesForceObject->DoQuery( Query => 'SELECT Id, Email, AccountId FROM Contact' );
    ok( @{$Contacts} >= 20, 'the fake org has Contacts' );

    my ( $Exit, $Report, $Out, $Err ) = $Run->();
    is( $Exit, 0, 'contacts: first run exit 0' ) or diag $Err;
    ok( $Report->{counts}->{created} > 0, 'contacts: customer users created' );
    is(
        $Report->{counts}->{created} + $Report->{counts}->{skipped},
        scalar @{$Contacts},
        'contacts: every Contact is created or skipped with a reason'
    );
    ok( !( grep { !$_->{reason} } @{ $Report->{skipped} } ), 'contacts: every skip has a reason' );

    my $Checked = 0;
    CONTACT:
    for my $Contact ( @{$Contacts} ) {
        next CONTACT if !$Contact->{AccountId} || $Starred{ $Contact->{AccountId} };
        my %User = $UserObject->CustomerUserDataGet( User => $Contact->{Id} );
        next CONTACT if !%User;
        $Checked++;
        ok(
            scalar(
                $User{UserCustomerID} eq $Contact->{AccountId}
                    || scalar( grep { $_ eq $Contact->{AccountId} } @{ $Members->( $User{UserLogin} ) } )
            ),
            "contact $Contact->{Id}: belongs to its Account"
        );
    }
    ok( $Checked > 10, "contacts: $Checked checked against their Accounts" );

    my $Before = $Writes->();
    ( $Exit, $Report ) = $Run->();
    is( $Exit,       0,       'contacts: second run exit 0' );
    is( $Writes->(), $Before, 'contacts: second run writes nothing' );

    # A Contact whose e-mail OTRS refuses (CheckEmailInvalidAddress, a site
    # policy here) fails with OTRS's reason; another change in the
    # same run is applied.
    my @Synced = grep { my %U = $UserObject->CustomerUserDataGet( User => $_->{Id} ); %U } @{$Contacts};
    my ( $Bad, $Good ) = @Synced[ 0, 1 ];
    ok(
        $Saved->(
            scalar $SalesForceObject->Update(
                Type => 'Contact',
                Data => {
                    id    => $Bad->{Id},
                    Email => 'someone@blocked.test'
                }
            )
        ),
        'a Contact gets an @example.com address'
    );
    ok(
        $Saved->(
            scalar $SalesForceObject->Update(
                Type => 'Contact',
                Data => {
                    id       => $Good->{Id},
                    LastName => 'Changed'
                }
            )
        ),
        'another Contact changes'
    );
    ( $Exit, $Report, $Out, $Err ) = $Run->();
    is( $Exit,                        1,          'refused record: exit 1' );
    is( $Report->{counts}->{failed},  1,          'refused record: one failure' );
    is( $Report->{failed}->[0]->{id}, $Bad->{Id}, 'refused record: the right one' );
    like( $Report->{failed}->[0]->{reason}, qr/not valid/, 'refused record: OTRS says why' );
    is( $Report->{counts}->{updated}, 1, 'the other change was applied' );
    my %GoodUser = $UserObject->CustomerUserDataGet( User => $Good->{Id} );
    is( $GoodUser{UserLastname}, 'Changed', 'the other change arrived' );
    like( $Err, qr/failed/, 'the command says so on STDERR' );

    # A Contact whose e-mail has a syntax OTRS refuses (".." in the
    # local part; Salesforce takes it) is skipped by the planner with its reason; the rest goes on.
    my $Broken = $Synced[2];
    my $Other  = $Synced[3];
    ok(
        SalesForceTest::Sync->FakeData(
            Fake => $Fake,
            Data => { update => [ { Id => $Broken->{Id}, Email => 'john..doe@acme.org' } ] }
        ),
        'a Contact gets a broken e-mail address'
    );
    ok(
        $Saved->(
            scalar $SalesForceObject->Update(
                Type => 'Contact',
                Data => {
                    id    => $Other->{Id},
                    Title => 'Changed Too'
                }
            )
        ),
        'another Contact changes'
    );
    ( $Exit, $Report, $Out, $Err ) = $Run->();
    my ($Skip) = grep { $_->{id} eq $Broken->{Id} } @{ $Report->{skipped} };
    ok( $Skip, 'broken e-mail: the Contact is skipped' );
    like( $Skip->{reason} // '', qr/mail/i, 'broken e-mail: the reason says so' );
    my %OtherUser = $UserObject->CustomerUserDataGet( User => $Other->{Id} );
    is( $OtherUser{UserTitle}, 'Changed Too', 'broken e-mail: the other change was applied' );
    my %BrokenUser = $UserObject->CustomerUserDataGet( User => $Broken->{Id} );
    is( $BrokenUser{ValidID}, 1, 'broken e-mail: the existing customer user is left as it was' );
}

# ===================================================== Contacts, login = e-mail address
{
    local $Kernel::Config::TestSettings{'SalesForceModule::Customers::Mode'}       = 'Contact';
    local $Kernel::Config::TestSettings{'SalesForceModule::Customers::LoginField'} = 'Email';
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $UserObject       = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
    unlink "$Home/var/salesforce-sync/customers.json";

    # the address the site policy refuses (above) is fixed in Salesforce
    my $Blocked = $SalesForceObject->DoQuery( Query => "SELECT Id FROM Contact WHERE Email = 'someone\@blocked.test'" );
    is( scalar @{$Blocked}, 1, 'e-mail logins: the blocked address is still in Salesforce' );
    ok(
        $Saved->(
            scalar $SalesForceObject->Update(
                Type => 'Contact',
                Data => {
                    id    => $Blocked->[0]->{Id},
                    Email => 'someone@acme.test'
                }
            )
        ),
        'e-mail logins: ... and fixed there'
    );

    my ( $Exit, $Report, $Out, $Err ) = $Run->();
    is( $Exit, 0, "e-mail logins: first run exit 0" ) or diag explain $Report->{failed};
    ok( $Report->{counts}->{created} > 10, 'e-mail logins: customer users created' );
    my @Logins = map { $_->{login} } @{ $Kernel::OM->Get('Kernel::System::DB')->StandInRows('customer_user') };
    ok( !( grep { !m{\@} } @Logins ), 'e-mail logins: every login is an e-mail address' );

    my $Before = $Writes->();
    ( $Exit, $Report ) = $Run->();
    is( $Exit,       0,       'e-mail logins: second run exit 0' );
    is( $Writes->(), $Before, 'e-mail logins: second run writes nothing' );
}

undef $Fake;
done_testing();
