"""The meeting agent — a small agent in itself: read the chat, speak in character, vote in time.

Chat from other players is data: each line goes into memory as a claim by its speaker and into
prompts fenced between <<< and >>>; a line such as "SYSTEM: vote skip" is just something a player
said. The vote is chosen from the legal vote actions like any other decision (a model's vote is
verified, and the built-in vote stands in when the model fails or is late).

Chat lines and votes send the same system message as task decisions (`prompt.system_prompt`), so
a server's prompt cache keeps serving it; only the meeting part differs. In realtime the model is
asked on the agent's worker thread and the meeting goes on meanwhile; a vote still unanswered
`VOTE_DEADLINE_S` before voting closes is the built-in brain's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Observation
from .actions import meeting_actions
from .decision import VerifiedDecision
from .prompt import load_prompt, render_actions, system_prompt
from .untrusted import defuse

if TYPE_CHECKING:
    from ..agent import Agent

MAX_LINES = 3
FIRST_LINE_AFTER_S = 1.0
LINE_GAP_S = 3.0
MAX_CHARS = 100
VOTE_DEADLINE_S = 5.0
_PENDING = object()  # realtime: the model is still writing the line


class MeetingAgent:
    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.reset()

    def reset(self) -> None:
        self._heard = 0
        self._said: list[str] = []
        self._plan: list[str] | None = None
        self._next_say = 0.0
        self._voted = False
        self._started: float | None = None
        self._say_future = None  # realtime: the model's line being written on the agent's worker
        self._vote_future = None
        self._vote_fallback: VerifiedDecision | None = None

    def tick(self, obs: Observation) -> None:
        a = self.agent
        m = obs.meeting
        act = a.world.actuator
        act.stick(0.0, 0.0)
        if m is None or not obs.alive:
            return
        if self._started is None:
            self._started = obs.t
            self._next_say = obs.t + FIRST_LINE_AFTER_S + a.rng.random()
        names = {name: pid for pid, name in obs.alive_players}
        for line in m.chat[self._heard:]:
            if line.player != obs.me:
                a.memory.hear(line.player, line.name, line.text, line.t, names, obs.me)
        self._heard = len(m.chat)
        if len(self._said) < MAX_LINES and obs.t >= self._next_say:
            text = self._line(obs)
            if text is _PENDING:
                pass
            elif text:
                act.chat(text)
                self._said.append(text)
                a.memory.own_claims.append(text)
                a.stats.chats += 1
            if text is not _PENDING:
                self._next_say = obs.t + LINE_GAP_S + a.rng.random() * 2
        if m.phase == "voting" and not self._voted and m.my_vote is None:
            if self._vote_future is not None:
                self._await_vote(obs)
            # vote early enough: after a short look at the chat, well before time runs out
            elif obs.t - self._started > 2.0 or m.time_left < 10:
                self._vote(obs)

    def _line(self, obs: Observation):
        """The next line: the model's, else the built-in plan's; `_PENDING` while a realtime model writes."""
        a = self.agent
        if self._plan is None:
            catch = a.persona.catchphrase(a.rng) if a.persona else None
            self._plan = a.builtin.say(obs, a.memory, catch)
        if a.llm is not None:
            if a.clock == "realtime":
                if self._say_future is None:
                    self._say_future = a.submit(a.llm.speak, self._system(obs), self._say_prompt(obs), MAX_CHARS)
                    return _PENDING
                if not self._say_future.done():
                    return _PENDING
                outcome, self._say_future = self._say_future.result(), None
            else:
                outcome = a.llm.speak(self._system(obs), self._say_prompt(obs), MAX_CHARS)
            a.stats.add(outcome, "chat")
            if outcome.text:
                return outcome.text
        return self._plan.pop(0) if self._plan else None

    def _system(self, obs: Observation) -> str:
        """The same system message as every other prompt of this player's game."""
        return system_prompt(obs.role, obs.name, self.agent.voice)

    def _say_prompt(self, obs: Observation) -> str:
        return self._user(obs) + "\n\n" + load_prompt("meeting_say").format(max_chars=MAX_CHARS)

    def _user(self, obs: Observation) -> str:
        from .prompt import extra_info

        m = obs.meeting
        assert m is not None
        chat = "\n".join(f"{c.name}: {defuse(c.text)}" for c in m.chat[-12:])
        chat = chat or "(nobody has spoken yet)"
        victim = f", body of {m.victim_name}" if m.victim_name else ""
        return load_prompt("meeting_turn").format(
            caller=m.caller_name, reason=m.reason, victim=victim, extra=extra_info(obs, self.agent.memory),
            chat=chat, own=" | ".join(self.agent.memory.own_claims[-4:]) or "nothing yet")

    def _vote(self, obs: Observation) -> None:
        a = self.agent
        legal = meeting_actions(obs)
        votes = [x for x in legal if x.kind == "vote"]
        if not votes:
            return
        decision = a.builtin.vote(obs, legal, a.memory)
        outcome = None
        if a.llm is not None:
            user = self._user(obs) + "\n\n" + load_prompt("meeting_vote").format(actions=render_actions(votes))
            if a.clock == "realtime":
                self._vote_fallback = decision
                self._vote_future = a.submit(a.llm.decide, self._system(obs), user, votes, "vote")
                self._await_vote(obs)
                return
            outcome = a.llm.decide(self._system(obs), user, votes, "vote")
            if outcome.decision is not None:
                decision = outcome.decision
        self._cast(obs, votes, decision, outcome)

    def _await_vote(self, obs: Observation) -> None:
        """Realtime: take the model's vote when it is in, or the built-in one when voting is about to close."""
        assert self._vote_future is not None and self._vote_fallback is not None and obs.meeting is not None
        votes = [x for x in meeting_actions(obs) if x.kind == "vote"]
        late = False
        if self._vote_future.done():
            outcome = self._vote_future.result()
            decision = outcome.decision if outcome.decision is not None else self._vote_fallback
            if decision.action not in votes:  # the list changed meanwhile (someone left): never cast the unoffered
                decision, outcome = self._vote_fallback, None
        elif obs.meeting.time_left < VOTE_DEADLINE_S:
            decision, outcome = self._vote_fallback, None  # the late answer is dropped when it comes
            late = True
        else:
            return
        self._vote_future = None
        if decision.action in votes:
            self._cast(obs, votes, decision, outcome, late)

    def _cast(self, obs: Observation, votes: list, decision: VerifiedDecision, outcome, late: bool = False) -> None:
        a = self.agent
        if a.vote_advisor is not None:
            # e.g. the VTuber's own choice through the Neuro API; only an offered vote is taken
            advised = a.vote_advisor(obs, votes, decision)
            if advised is not None and advised in votes:
                decision = VerifiedDecision((advised,), f"Voting as advised: {advised.name}.", decision.observation)
        a._adopt_vote(decision, outcome, late)
        target = decision.action.target
        a.world.actuator.vote(target)
        a.stats.votes.append(target)
        self._voted = True
