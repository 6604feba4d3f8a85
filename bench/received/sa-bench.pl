#!/usr/bin/perl
# SpamAssassin 4 side of the Received benchmark: messages/s to parse a message and extract its relays,
# and Received headers/s for SpamAssassin's own per-header parser (parse_received_line).
# usage: perl sa-bench.pl DIR MODE [windows] [window_s]
#   MODE relays   parse + PerMsgStatus + extract_message_metadata (the Received walk), per message
#   MODE headers  parse_received_line over every Received value of DIR, per header
# Prints one JSON line. No DNS (local_tests_only), no user prefs, rules loaded once (init_s reported apart).
use strict;
use warnings;
use Time::HiRes qw(time);
use File::Find;
use Mail::SpamAssassin;
use Mail::SpamAssassin::PerMsgStatus;

my ($dir, $mode, $windows, $win_s) = @ARGV;
$windows //= 3;
$win_s //= 1.5;
my @files;
find({ wanted => sub { push @files, $File::Find::name if -f $_ }, no_chdir => 1 }, $dir);
@files = sort @files;
my @msgs;
for my $f (@files) {
  open my $fh, '<:raw', $f or next;
  local $/;
  push @msgs, scalar <$fh>;
  close $fh;
}
die "no messages in $dir\n" unless @msgs;

my $t0 = time;
my $state = "/tmp/spamtrap-sa-bench-state-$$";
my $sa = Mail::SpamAssassin->new({
  local_tests_only => 1, dont_copy_prefs => 1, userprefs_filename => '/dev/null', userstate_dir => $state,
  post_config_text => "use_bayes 0\nuse_auto_welcomelist 0\n",
});
$sa->init(0);
my $init_s = time - $t0;

my @work;
my $md;
if ($mode eq 'headers') {
  for my $text (@msgs) {
    my $m = $sa->parse($text, 0);
    push @work, $m->get_header('Received');
    $m->finish;
  }
  # parse_received_line is a method of the message metadata object; keep one message alive for it.
  my $m = $sa->parse($msgs[0], 0);
  my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $m);
  $m->extract_message_metadata($pms);
  $md = $m->{metadata};
} else {
  @work = @msgs;
}
die "nothing to do\n" unless @work;

my $idx = 0;
my $relays = 0;
sub one {
  my $item = $work[$idx];
  $idx = ($idx + 1) % @work;
  if ($mode eq 'headers') {
    my $r = $md->parse_received_line($item);
    $relays++ if ref $r;
    return;
  }
  my $m = $sa->parse($item, 0);
  my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $m);
  $m->extract_message_metadata($pms);
  my $meta = $m->{metadata};
  $relays += scalar(@{ $meta->{relays_trusted} || [] }) + scalar(@{ $meta->{relays_untrusted} || [] });
  $pms->finish;
  $m->finish;
}

# One timed window: items per wall second and per CPU second (user+sys of this process; robust on a shared machine).
sub window {
  my ($secs) = @_;
  my $start = time;
  my ($u0, $s0) = times;
  my ($n, $now) = (0, $start);
  while ($now < $start + $secs) {
    for (1 .. 16) { one(); $n++; }
    $now = time;
  }
  my ($u1, $s1) = times;
  my $cpu = ($u1 - $u0) + ($s1 - $s0);
  return [$n / ($now - $start), $cpu > 0 ? $n / $cpu : 0];
}
window(0.5);
my @w = map { window($win_s) } 1 .. $windows;
my @rates = sort { $a <=> $b } map { $_->[0] } @w;
my @cpu = sort { $a <=> $b } map { $_->[1] } @w;
printf "{\"tool\":\"spamassassin\",\"mode\":\"%s\",\"items\":%d,\"rates\":[%s],\"median\":%.1f,\"cpuMedian\":%.1f,\"init_s\":%.2f,\"version\":\"%s\"}\n",
  $mode, scalar @work, join(',', map { sprintf '%.1f', $_ } @rates), $rates[$#rates / 2], $cpu[$#cpu / 2], $init_s, Mail::SpamAssassin::Version();
system('rm', '-rf', $state);
